/** Counts, sizes, rates and ratios. */

/** The job's speed-up as every view prints it: `1.90x`. */
export function formatSpeedup(speedup: number): string {
  return `${speedup.toFixed(2)}x`;
}

/** A ratio such as a job's efficiency, to two decimals: `0.92`; `-` when unknown or not positive. */
export function formatRatio(ratio: number | null | undefined): string {
  return ratio !== null && ratio !== undefined && Number.isFinite(ratio) && ratio > 0 ? ratio.toFixed(2) : '-';
}

/** A share as a whole percentage, clamped to 0–100: `0.456` → `46%`. */
export function formatPercent(share: number): string {
  const clamped = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0;
  return `${Math.round(clamped * 100)}%`;
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
