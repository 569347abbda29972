/** Pure formatting: durations, counts, sizes, times and plain-text tables. */

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

/** The job's speed-up as every view prints it: `1.90x`. */
export function formatSpeedup(speedup: number): string {
  return `${speedup.toFixed(2)}x`;
}

/** An integer with thin grouping: `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A rate of items per second: `1,234 rows/s`, `45.6 groups/s`, `0.35 groups/s`; `- groups/s` when unknown. */
export function formatRate(perSecond: number | null | undefined, noun = 'items'): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return `- ${noun}/s`;
  const value = perSecond >= 100 ? formatCount(Math.round(perSecond)) : perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toFixed(2);
  return `${value} ${noun}/s`;
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `20.0 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A timestamp in local time, to the second: `2024-05-01 14:03:07`; `-` when absent or unparseable. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export type Align = 'left' | 'right';

/**
 * A plain-text table: a header row, a rule of dashes and the rows, columns separated by two spaces. Columns are
 * right-aligned unless `align` says otherwise; trailing spaces are trimmed.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths
      .map((w, i) => {
        const cell = cells[i] ?? '';
        return align[i] === 'left' ? cell.padEnd(w) : cell.padStart(w);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Cuts a line to `width` characters, marking the cut with `…`. */
export function truncate(text: string, width: number): string {
  if (width <= 0 || text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}
