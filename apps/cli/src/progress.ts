import { TERMINAL_JOB_STATUSES, type JobSummary } from '@partita/contracts';
import { formatCount, formatRate, formatShortDuration } from '@partita/format';

export function isEnded(job: Pick<JobSummary, 'status'>): boolean {
  return TERMINAL_JOB_STATUSES.includes(job.status);
}

/** Items done at a moment of the job's own clock (its wall time), so that no local clock is involved. */
export interface RateSample {
  wallMs: number;
  itemsDone: number;
}

/** Rates are measured over the last 10 s of wall time. */
export const RATE_WINDOW_MS = 10_000;
/** Below this span of samples a rate says more about polling than about the job. */
export const MIN_RATE_SPAN_MS = 500;

/** The samples a job starts with: nothing was done at submit. */
export function initialSamples(): RateSample[] {
  return [{ wallMs: 0, itemsDone: 0 }];
}

/**
 * Adds a sample and drops those the window no longer needs (one at or before the window's start is kept, so the
 * span covers the whole window). A sample with fewer items than the last one (a partition's retry started over)
 * starts the measurement afresh; one not later than the last is ignored.
 */
export function addSample(samples: readonly RateSample[], next: RateSample, windowMs = RATE_WINDOW_MS): RateSample[] {
  const last = samples[samples.length - 1];
  if (last === undefined || next.itemsDone < last.itemsDone) return [next];
  if (next.wallMs <= last.wallMs) return [...samples];
  const kept = [...samples, next];
  while (kept.length > 2 && kept[1]!.wallMs <= next.wallMs - windowMs) kept.shift();
  return kept;
}

/** Items per second over the samples' span; null while the span is too short to tell. */
export function ratePerSecond(samples: readonly RateSample[], minSpanMs = MIN_RATE_SPAN_MS): number | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined) return null;
  const span = last.wallMs - first.wallMs;
  if (span < minSpanMs) return null;
  return ((last.itemsDone - first.itemsDone) / span) * 1000;
}

/** Time left at `rate` items per second; 0 when nothing is left, null when the rate is unknown or zero. */
export function etaMs(itemsDone: number, itemsTotal: number, rate: number | null): number | null {
  const remaining = itemsTotal - itemsDone;
  if (remaining <= 0) return 0;
  if (rate === null || rate <= 0) return null;
  return (remaining / rate) * 1000;
}

/** The rate and ETA of one job, from the samples its views gave over time. */
export class ProgressTracker {
  private samples: RateSample[] = initialSamples();

  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  observe(job: Pick<JobSummary, 'progress' | 'timings'>): { rate: number | null; etaMs: number | null } {
    this.samples = addSample(this.samples, { wallMs: job.timings.wallMs, itemsDone: job.progress.itemsDone }, this.windowMs);
    const rate = ratePerSecond(this.samples);
    return { rate, etaMs: etaMs(job.progress.itemsDone, job.progress.itemsTotal, rate) };
  }
}

/** A bar of `width` cells, `#` for the done fraction: `[#########...............]`. */
export function progressBar(fraction: number, width = 24): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(clamped * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** The fraction of the job done: by items when it has any, else by partitions; 1 once it succeeded. */
export function doneFraction(job: Pick<JobSummary, 'progress' | 'status'>): number {
  if (job.status === 'succeeded') return 1;
  const { done, total, itemsDone, itemsTotal } = job.progress;
  if (itemsTotal > 0) return itemsDone / itemsTotal;
  return total > 0 ? done / total : 0;
}

export interface ProgressLineOptions {
  rate: number | null;
  etaMs: number | null;
  barWidth?: number;
}

/**
 * One line per job:
 * `5e4a18a3 [##########..............]  42%  3/8 partitions  126/300 groups  45.2 groups/s  ETA 3.9s  elapsed 2.8s  running`.
 */
export function progressLine(
  job: Pick<JobSummary, 'id' | 'kind' | 'status' | 'progress' | 'timings'>,
  options: ProgressLineOptions,
): string {
  const { done, total, failed, itemsDone, itemsTotal } = job.progress;
  const noun = job.progress.itemNoun;
  const fraction = doneFraction(job);
  const ended = isEnded(job);
  const parts = [
    `${job.id.slice(0, 8)} ${progressBar(fraction, options.barWidth)} ${`${Math.floor(fraction * 100)}%`.padStart(4)}`,
    `${done}/${total} partitions`,
    `${formatCount(itemsDone)}/${formatCount(itemsTotal)} ${noun}`,
    formatRate(ended ? averageRate(job) : options.rate, noun),
    `ETA ${ended ? '-' : formatShortDuration(options.etaMs)}`,
    `elapsed ${formatShortDuration(job.timings.wallMs)}`,
    job.status,
  ];
  if (failed > 0) parts.push(`${failed} failed`);
  return parts.join('  ');
}

/** Items per second over the job's whole wall time. */
export function averageRate(job: Pick<JobSummary, 'progress' | 'timings'>): number | null {
  return job.timings.wallMs > 0 ? (job.progress.itemsDone / job.timings.wallMs) * 1000 : null;
}
