/** The partita CLI as a library: the API client, the watcher and the reports (the local demo uses them). */
export { DEFAULT_URL, UsageError, parseCli } from './args.js';
export type { Command, GlobalOptions, Invocation } from './args.js';
export { ApiRequestError, PartitaClient, UnreachableError } from './client.js';
export type { ClientOptions, Issue, ListJobsQuery, SubmitResult } from './client.js';
export { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, runCli } from './cli.js';
export {
  formatBytes,
  formatCount,
  formatDuration,
  formatRate,
  formatShortDuration,
  formatSpeedup,
  formatTimestamp,
  table,
} from '@partita/format';
export { ProgressTracker, progressLine } from './progress.js';
export { completenessLine, jobHeader, jobTimingsTable, outcomeLines, partitionsTable, timingsReport } from './report.js';
export { SpecFileError, parseSpec, readSpecFile } from './spec-file.js';
export { LiveRegion, streamOutput } from './terminal.js';
export type { Output } from './terminal.js';
export { watchJobs } from './watch.js';
export type { WatchOptions } from './watch.js';
