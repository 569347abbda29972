/** Durations: measured ones for tables and pages, short ones for live progress lines. */

/** A measured duration for tables: `850 ms`, `3336 ms`, `12.4 s`, `2 min 05 s`, `1 h 02 min`; `-` when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatMinutes(ms, ' ');
}

/** A duration for the live progress line, to a tenth of a second below 10 s: `0.4s`, `8.2s`, `42s`, `3m05s`, `1h02m`. */
export function formatShortDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  const clamped = Math.max(0, ms);
  if (clamped < 9_950) return `${(clamped / 1000).toFixed(1)}s`;
  if (clamped < 59_500) return `${Math.round(clamped / 1000)}s`;
  return formatMinutes(clamped, '');
}

function formatMinutes(ms: number, gap: string): string {
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  const [h, m, s] = gap ? [' h', ' min', ' s'] : ['h', 'm', 's'];
  return hours > 0 ? `${hours}${h}${gap}${two(minutes)}${m}` : `${minutes}${m}${gap}${two(seconds)}${s}`;
}
