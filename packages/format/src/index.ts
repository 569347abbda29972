/*
 * How Partita prints figures, in the CLI and on the web page alike. Plain ES2023 without Node or DOM APIs and without
 * dependencies: Node imports the package, and the master serves its compiled files to browsers under `/ui/format/`.
 * Relative imports keep their `.js` extension, so the same files load in both.
 */
export { formatDuration, formatShortDuration } from './duration.js';
export { formatBytes, formatCount, formatPercent, formatRate, formatRatio, formatSpeedup } from './numbers.js';
export { formatTimestamp } from './time.js';
export { shortId, table, truncate, type Align } from './text.js';
