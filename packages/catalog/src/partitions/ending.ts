import type pg from 'pg';
import { JOBS_WITHOUT_OPEN_PARTITIONS, LOCK_JOBS, RELEASE_HELD } from './sql.js';

/** Held partitions of one job that now fit under its cap: their messages go to the queue. */
export interface ReleasedPartitions {
  jobId: string;
  queue: string;
  spec: Record<string, unknown>;
  payloads: unknown[];
}

/** What ending attempts did to their jobs, reported once per job. */
export interface JobsAfterEnds {
  /** Jobs whose partitions have all ended: time to finalise. */
  complete: Set<string>;
  /** Capped jobs' held partitions released by the ends, by job. */
  released: Map<string, ReleasedPartitions>;
}

/**
 * Locks the rows of `jobIds` in id order, in the caller's transaction (of two batches ending a job's partitions at
 * once, exactly one then sees the job complete). Returns the capped ones.
 */
export async function lockJobs(client: pg.PoolClient, jobIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await client.query<{ id: string; capped: boolean }>(LOCK_JOBS, [jobIds]);
  return new Set(rows.filter((r) => r.capped).map((r) => r.id));
}

/**
 * After partitions of `jobIds` ended (their rows locked by `lockJobs`): the capped jobs' held partitions that now fit
 * under their cap are released, and the jobs with no open partition left are found.
 */
export async function afterEnds(client: pg.PoolClient, jobIds: readonly string[], capped: ReadonlySet<string>): Promise<JobsAfterEnds> {
  const released = await releaseHeld(
    client,
    jobIds.filter((id) => capped.has(id)),
  );
  const { rows } = await client.query<{ id: string }>(JOBS_WITHOUT_OPEN_PARTITIONS, [jobIds]);
  return { complete: new Set(rows.map((r) => r.id)), released };
}

/** Of capped `jobIds` (rows locked by the caller), the held partitions that now fit under their cap: released. */
export async function releaseHeld(client: pg.PoolClient, jobIds: readonly string[]): Promise<Map<string, ReleasedPartitions>> {
  if (jobIds.length === 0) return new Map();
  const { rows } = await client.query<{ job_id: string; queue: string; spec: Record<string, unknown>; payloads: unknown[] }>(RELEASE_HELD, [
    jobIds,
  ]);
  return new Map(rows.map((r) => [r.job_id, { jobId: r.job_id, queue: r.queue, spec: r.spec, payloads: r.payloads }]));
}
