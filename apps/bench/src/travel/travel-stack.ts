// Partita deployments for the travel benchmarks, and one job run through them: timed by the master, its output read
// back so that every run can be held to the same plans.
import type { JobView } from '@partita/contracts';
import { readParquet } from '@partita/parquet';
import type { BlobStore } from '@partita/storage';
import type { BenchStack } from '../stack.js';
import type { BenchContext } from '../suite.js';
import { jobTiming, type JobTiming } from './job-timing.js';
import { PlanDigest } from './plan-digest.js';
import { warmUpSpec, type TravelWorkload } from './workload.js';

/** One partition at a time per worker process, on one optimiser thread: a worker is one core. */
export const ONE_CORE_WORKER = { WORKER_CONCURRENCY: '1', WORKER_KINDS: 'travel-plan' };

/** A stack of `workers` one-core travel workers, warmed up on `workload`'s optimiser. Stopped again if the warm-up fails. */
export async function startTravelStack(ctx: BenchContext, workers: number, workload: TravelWorkload): Promise<BenchStack> {
  const stack = await ctx.startStack({ workers, workerEnv: ONE_CORE_WORKER });
  try {
    await stack.waitForJob(await stack.submit(warmUpSpec(workload, workers, stack.container)));
    return stack;
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/** Stops every stack, even when one fails to stop; then throws the first failure. */
export async function stopAll(stacks: readonly BenchStack[]): Promise<void> {
  const failed = (await Promise.allSettled(stacks.map((s) => s.stop()))).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export interface TravelRun {
  job: JobView;
  timing: JobTiming;
  /** Digest of the rows in the job's files (see PlanDigest). */
  digest: string;
}

/** Submits `spec`, waits for its success and reads its files back. */
export async function runTravelJob(stack: BenchStack, store: BlobStore, spec: unknown): Promise<TravelRun> {
  const job = await stack.waitForJob(await stack.submit(spec));
  const timing = jobTiming(job);
  const digest = new PlanDigest();
  for (const file of job.partitions.flatMap((p) => p.files)) {
    const { rows } = await readParquet(await store.get(job.output.container, file.path));
    rows.forEach((row) => digest.add(row));
  }
  if (digest.rows !== timing.rows)
    throw new Error(`job ${job.id}: its files hold ${digest.rows} rows, its partitions report ${timing.rows}`);
  return { job, timing, digest: digest.value() };
}
