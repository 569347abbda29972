import type pg from 'pg';
import type { ErrorInfo, FileView, JobStatus } from '@partita/contracts';
import { transaction } from '../transaction.js';
import { afterEnds, lockJobs, type ReleasedPartitions } from './ending.js';
import { FAIL_ATTEMPT, HEARTBEAT, JOBS_OF_STARTS, LOSE_ATTEMPT, PROGRESS, START_ATTEMPTS, START_JOBS, SUCCEED_ATTEMPTS } from './sql.js';

/** One partition of one job. */
export interface PartitionRef {
  jobId: string;
  index: number;
}

/** One attempt of one partition: its reports count only while it is the partition's current attempt. */
export interface AttemptRef extends PartitionRef {
  attempt: number;
}

/** What a worker gets when it may run a partition. */
export interface StartedPartition {
  attempt: number;
  spec: Record<string, unknown>;
  output: { container: string; prefix: string };
  details: Record<string, unknown> | null;
}

export type StartResult = { run: StartedPartition } | { skip: 'job-ended' | 'partition-ended' | 'unknown' };

export interface PartitionResult {
  files: FileView[];
  runMs: number;
  /** Extracts: the chunk read a snapshot of its own instead of the job's. */
  ownSnapshot?: boolean;
}

/** A partition's successful attempt, as a worker reports it. */
export interface PartitionEnd extends AttemptRef {
  result: PartitionResult;
}

/** A failed attempt, as a worker reports it. */
export interface AttemptFailure extends AttemptRef {
  error: ErrorInfo;
  /** The worker shut down and handed the partition back: the retry budget is not spent. */
  handedBack: boolean;
  /** The partition fails for good once its failures reach this. */
  maxAttempts: number;
  runMs: number;
}

/** What ending an attempt did: whether it counted (it was still current), and to its job. */
export interface AttemptEnded {
  recorded: boolean;
  /** Every partition of the job has ended: time to finalise (true for exactly one end of a job). */
  jobComplete: boolean;
  /** A capped job's held partitions that now fit under its cap: their messages are the caller's to enqueue. */
  released: ReleasedPartitions | null;
}

const key = (jobId: string, index: number): string => `${jobId}/${index}`;

/**
 * The partition lifecycle: attempts start, beat, report progress and end. At-least-once delivery, exactly-once
 * effect: an attempt's reports count only while it is its partition's current attempt, and the catalog, not the
 * queue, keeps each partition's retry budget.
 */
export class PartitionStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Claims attempts of partitions (one transaction, a statement per job whatever their number): a worker's partitions
   * that start together share one commit. Skips a partition whose job has ended (cancelled) or that already ended (a
   * duplicate delivery). Results in the order of `parts`.
   */
  async start(parts: readonly PartitionRef[], workerId: string): Promise<StartResult[]> {
    return transaction(this.pool, async (client) => {
      const jobIds = [...new Set(parts.map((p) => p.jobId))].sort();
      const jobs = await client.query<{ id: string; status: JobStatus } & Omit<StartedPartition, 'attempt'>>(JOBS_OF_STARTS, [jobIds]);
      const byId = new Map(jobs.rows.map((j) => [j.id, j]));
      const queued = jobIds.filter((id) => byId.get(id)?.status === 'queued');
      if (queued.length > 0) await client.query(START_JOBS, [queued]);
      const attempts = new Map<string, number>();
      for (const jobId of jobIds) {
        const status = byId.get(jobId)?.status;
        if (status !== 'queued' && status !== 'running') continue;
        const idxs = parts.filter((p) => p.jobId === jobId).map((p) => p.index);
        const started = await client.query<{ idx: number; attempts: number }>(START_ATTEMPTS, [jobId, idxs, workerId]);
        for (const row of started.rows) attempts.set(key(jobId, row.idx), row.attempts);
      }
      return parts.map((p): StartResult => {
        const job = byId.get(p.jobId);
        if (!job) return { skip: 'unknown' };
        if (job.status !== 'queued' && job.status !== 'running') return { skip: 'job-ended' };
        const attempt = attempts.get(key(p.jobId, p.index));
        if (attempt === undefined) return { skip: 'partition-ended' };
        return { run: { attempt, spec: job.spec, output: job.output, details: job.details } };
      });
    });
  }

  /** One partition's attempt (see `start`). */
  async startOne(part: PartitionRef, workerId: string): Promise<StartResult> {
    return (await this.start([part], workerId))[0]!;
  }

  /** A running attempt is alive: the reconciler leaves a partition alone while its attempt beats. */
  async heartbeat(a: AttemptRef): Promise<void> {
    await this.pool.query(HEARTBEAT, [a.jobId, a.index, a.attempt]);
  }

  /** A running attempt's progress: items (groups, rows) done so far. Ignored once the attempt is no longer current. */
  async reportProgress(a: AttemptRef, itemsDone: number): Promise<void> {
    await this.pool.query(PROGRESS, [a.jobId, a.index, a.attempt, itemsDone]);
  }

  /**
   * Records successful attempts in one transaction, results in the order of `ends`. Of two batches ending a job's last
   * partitions at once, the later one sees the job complete; `jobComplete` and `released` are reported on the last end
   * of each job.
   */
  async succeed(ends: readonly PartitionEnd[]): Promise<AttemptEnded[]> {
    return transaction(this.pool, async (client) => {
      const jobIds = [...new Set(ends.map((e) => e.jobId))].sort();
      const capped = await lockJobs(client, jobIds);
      const recorded = new Set<string>();
      for (const jobId of jobIds) {
        const mine = ends.filter((e) => e.jobId === jobId);
        const { rows } = await client.query<{ idx: number }>(SUCCEED_ATTEMPTS, [
          jobId,
          mine.map((e) => e.index),
          mine.map((e) => e.attempt),
          mine.map((e) => e.result.runMs),
          mine.map((e) => e.result.files.reduce((a, f) => a + f.rows, 0)),
          mine.map((e) => e.result.files.reduce((a, f) => a + f.bytes, 0)),
          mine.map((e) => JSON.stringify(e.result.files)),
          mine.map((e) => e.result.ownSnapshot ?? false),
        ]);
        for (const row of rows) recorded.add(key(jobId, row.idx));
      }
      const after = await afterEnds(client, jobIds, capped);
      const lastOfJob = new Map(ends.map((e, i) => [e.jobId, i]));
      return ends.map((e, i) => {
        const last = lastOfJob.get(e.jobId) === i;
        return {
          recorded: recorded.has(key(e.jobId, e.index)),
          jobComplete: last && after.complete.has(e.jobId),
          released: last ? (after.released.get(e.jobId) ?? null) : null,
        };
      });
    });
  }

  /** One successful attempt (see `succeed`). */
  async succeedOne(end: PartitionEnd): Promise<AttemptEnded> {
    return (await this.succeed([end]))[0]!;
  }

  /**
   * Records a failed attempt. A handed-back attempt (its worker shut down) puts the partition back without spending its
   * retry budget; otherwise the failure counts, and the partition fails for good (`final`) when the error is not
   * retryable or its failures reach `maxAttempts`. The catalog decides, so the budget survives queue messages that are
   * lost and added again.
   */
  async fail(f: AttemptFailure): Promise<AttemptEnded & { final: boolean }> {
    return this.end(f, FAIL_ATTEMPT, [
      f.handedBack ? 0 : 1,
      f.error.retryable,
      f.maxAttempts,
      f.error,
      f.runMs,
      f.handedBack ? 'handed-back' : 'failed',
    ]);
  }

  /**
   * A partition whose queue message ended without its attempt ever being recorded (the message stalled out: its worker
   * died or hung too often): the partition fails with `error`. No-op when the attempt has moved on meanwhile.
   */
  async failLost(a: AttemptRef, error: ErrorInfo): Promise<AttemptEnded> {
    const { final: _final, ...ended } = await this.end(a, LOSE_ATTEMPT, [error]);
    return ended;
  }

  /** Ends one attempt by `statement` (params after job, index and attempt), which returns the partition's new status. */
  private async end(a: AttemptRef, statement: string, params: unknown[]): Promise<AttemptEnded & { final: boolean }> {
    return transaction(this.pool, async (client) => {
      const capped = await lockJobs(client, [a.jobId]);
      const { rows } = await client.query<{ status: string }>(statement, [a.jobId, a.index, a.attempt, ...params]);
      const after = await afterEnds(client, [a.jobId], capped);
      return {
        recorded: rows.length > 0,
        final: rows[0]?.status === 'failed',
        jobComplete: after.complete.has(a.jobId),
        released: after.released.get(a.jobId) ?? null,
      };
    });
  }
}
