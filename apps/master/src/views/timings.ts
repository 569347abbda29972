import { median, type Timings } from '@partita/contracts';

export interface TimedPartition {
  workerId: string | null;
  queueWaitMs: number | null;
  runMs: number | null;
  status: string;
}

/** What the timings are made of: the summed run time of the succeeded partitions, and the distinct workers. */
export interface PartitionTotals {
  sumPartitionMs: number;
  workers: number;
  queueWaitMedianMs: number | null;
  runMedianMs: number | null;
  runMaxMs: number | null;
}

/**
 * A job's headline figures. The sum of the partitions' run times is what one sequential process would take;
 * speed-up is that sum over the wall time from submit to the end (or to `now` while the job runs).
 */
export function jobTimings(
  job: { createdAt: Date; finishedAt: Date | null; planMs: number | null },
  totals: PartitionTotals,
  now: Date = new Date(),
): Timings {
  const wallMs = Math.max(0, (job.finishedAt ?? now).getTime() - job.createdAt.getTime());
  const speedup = wallMs > 0 ? totals.sumPartitionMs / wallMs : 0;
  return {
    wallMs,
    sumPartitionMs: totals.sumPartitionMs,
    speedup,
    workers: totals.workers,
    efficiency: totals.workers > 0 ? speedup / totals.workers : 0,
    planMs: job.planMs,
    queueWaitMedianMs: totals.queueWaitMedianMs,
    runMedianMs: totals.runMedianMs,
    runMaxMs: totals.runMaxMs,
  };
}

/** Totals of a job's partitions, with medians. */
export function partitionTotals(partitions: readonly TimedPartition[]): PartitionTotals {
  const runs = partitions.filter((p) => p.status === 'succeeded' && p.runMs !== null).map((p) => p.runMs as number);
  const waits = partitions.filter((p) => p.queueWaitMs !== null).map((p) => p.queueWaitMs as number);
  return {
    sumPartitionMs: runs.reduce((a, b) => a + b, 0),
    workers: new Set(partitions.map((p) => p.workerId).filter((w): w is string => w !== null)).size,
    queueWaitMedianMs: median(waits),
    runMedianMs: median(runs),
    runMaxMs: runs.length > 0 ? Math.max(...runs) : null,
  };
}

/** {@link jobTimings} of a job whose partitions are at hand. */
export function computeTimings(
  job: { createdAt: Date; finishedAt: Date | null; planMs: number | null },
  partitions: readonly TimedPartition[],
  now: Date = new Date(),
): Timings {
  return jobTimings(job, partitionTotals(partitions), now);
}
