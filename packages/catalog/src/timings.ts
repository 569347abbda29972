import type { Timings } from '@partita/contracts';

export interface TimedPartition {
  workerId: string | null;
  queueWaitMs: number | null;
  runMs: number | null;
  status: string;
}

/**
 * A job's headline figures. The sum of the partitions' run times is what one sequential process would take;
 * speed-up is that sum over the wall time from submit to the end (or to `now` while the job runs).
 */
export function computeTimings(
  job: { createdAt: Date; finishedAt: Date | null; planMs: number | null },
  partitions: readonly TimedPartition[],
  now: Date = new Date(),
): Timings {
  const end = job.finishedAt ?? now;
  const wallMs = Math.max(0, end.getTime() - job.createdAt.getTime());
  const runs = partitions.filter((p) => p.status === 'succeeded' && p.runMs !== null).map((p) => p.runMs as number);
  const waits = partitions.filter((p) => p.queueWaitMs !== null).map((p) => p.queueWaitMs as number);
  const sumPartitionMs = runs.reduce((a, b) => a + b, 0);
  const workers = new Set(partitions.map((p) => p.workerId).filter((w): w is string => w !== null)).size;
  const speedup = wallMs > 0 ? sumPartitionMs / wallMs : 0;
  return {
    wallMs,
    sumPartitionMs,
    speedup,
    workers,
    efficiency: workers > 0 ? speedup / workers : 0,
    planMs: job.planMs,
    queueWaitMedianMs: median(waits),
    runMedianMs: median(runs),
    runMaxMs: runs.length > 0 ? Math.max(...runs) : null,
  };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
