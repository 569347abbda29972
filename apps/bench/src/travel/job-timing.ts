// The figures of a finished job that a benchmark compares, from the master's view of it.
import type { JobView } from '@partita/contracts';
import { median } from '../suite.js';

export interface JobTiming {
  /** Submit to the job's end (manifest written): what a user waits. */
  wallMs: number;
  /** First partition started to last partition ended: the partitions' makespan, without planning and fan-in. */
  spanMs: number;
  partitions: number;
  /** Distinct workers that ran partitions. */
  workers: number;
  runMedianMs: number;
  runMaxMs: number;
  /** Sum of the partitions' run times: the work as the workers spent it, their per-partition costs included. */
  runTotalMs: number;
  /** Rows the partitions wrote. */
  rows: number;
}

/** The timing of a job that succeeded: every partition has started, ended and a run time. */
export function jobTiming(job: JobView): JobTiming {
  if (job.partitions.length === 0) throw new Error(`job ${job.id} has no partitions`);
  let first = Infinity;
  let last = -Infinity;
  const runs: number[] = [];
  let rows = 0;
  for (const p of job.partitions) {
    if (p.startedAt === null || p.finishedAt === null || p.runMs === null) {
      throw new Error(`partition ${p.index} of job ${job.id} has not run to its end`);
    }
    first = Math.min(first, Date.parse(p.startedAt));
    last = Math.max(last, Date.parse(p.finishedAt));
    runs.push(p.runMs);
    rows += p.rows ?? 0;
  }
  return {
    wallMs: job.timings.wallMs,
    spanMs: last - first,
    partitions: job.partitions.length,
    workers: new Set(job.partitions.map((p) => p.workerId)).size,
    runMedianMs: median(runs),
    runMaxMs: Math.max(...runs),
    runTotalMs: runs.reduce((sum, ms) => sum + ms, 0),
    rows,
  };
}
