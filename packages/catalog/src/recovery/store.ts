import type pg from 'pg';
import { transaction } from '../transaction.js';
import {
  ABANDON_ATTEMPTS,
  JOB_FOR_MESSAGES,
  JOBS_NOT_ENQUEUED,
  JOBS_TO_FINALIZE,
  OPEN_PARTITIONS,
  OPEN_PAYLOADS,
  TAKE_BACK_SILENT,
} from './sql.js';

/** A partition that must have a message on the queue. */
export interface OpenPartition {
  jobId: string;
  index: number;
  /** The partition queue of its job. */
  queue: string;
  status: 'queued' | 'running';
  attempts: number;
  /** Running: ms since its attempt last beat. Null when queued. */
  silentMs: number | null;
}

/** A partition taken back from an attempt that stopped beating. */
export interface TakenBack {
  jobId: string;
  index: number;
  queue: string;
  attempt: number;
  workerId: string | null;
}

/** A job's queue messages: its kind, queue and spec, and the payloads of its partitions. */
export interface JobMessages {
  kind: string;
  queue: string;
  spec: Record<string, unknown>;
  payloads: unknown[];
}

/**
 * What the master's recovery passes read: the catalog is the source of truth, and the queue is made to match it
 * after a crash of a worker, a master or Redis.
 */
export class RecoveryStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Takes running partitions away from attempts whose heartbeats stopped `silentMs` ago (their worker died): each
   * such attempt ends `abandoned` and its partition is queued again, so the status never shows a dead attempt as
   * running, and the attempt's late reports (a worker that was only slow) are fenced off by its attempt number.
   * Returns the partitions taken back, for their queue messages to follow.
   */
  async takeBackSilent(silentMs: number): Promise<TakenBack[]> {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<{ job_id: string; idx: number; queue: string; attempts: number; worker_id: string | null }>(
        TAKE_BACK_SILENT,
        [silentMs],
      );
      if (rows.length === 0) return [];
      await client.query(ABANDON_ATTEMPTS, [rows.map((r) => r.job_id), rows.map((r) => r.idx), rows.map((r) => r.attempts)]);
      return rows.map((r) => ({ jobId: r.job_id, index: r.idx, queue: r.queue, attempt: r.attempts, workerId: r.worker_id }));
    });
  }

  /** The open partitions of enqueued open jobs: what must have a message on the queue. */
  async openPartitions(): Promise<OpenPartition[]> {
    const { rows } = await this.pool.query<{
      job_id: string;
      idx: number;
      queue: string;
      status: 'queued' | 'running';
      attempts: number;
      silent_ms: number | null;
    }>(OPEN_PARTITIONS);
    return rows.map((r) => ({
      jobId: r.job_id,
      index: r.idx,
      queue: r.queue,
      status: r.status,
      attempts: r.attempts,
      silentMs: r.status === 'running' ? (r.silent_ms ?? Number.POSITIVE_INFINITY) : null,
    }));
  }

  /** Jobs recorded more than `olderThanMs` ago whose submit never finished enqueueing them (the master stopped in between). */
  async jobsNotEnqueued(olderThanMs: number): Promise<string[]> {
    return (await this.pool.query<{ id: string }>(JOBS_NOT_ENQUEUED, [olderThanMs])).rows.map((r) => r.id);
  }

  /** The queue messages of a job's open partitions (or of the given ones); null for an unknown job. */
  async openMessages(jobId: string, indices?: readonly number[]): Promise<JobMessages | null> {
    const job = await this.pool.query<Omit<JobMessages, 'payloads'>>(JOB_FOR_MESSAGES, [jobId]);
    const j = job.rows[0];
    if (!j) return null;
    const parts = await this.pool.query<{ payload: unknown }>(OPEN_PAYLOADS, [jobId, indices ?? null]);
    return { ...j, payloads: parts.rows.map((r) => r.payload) };
  }

  /** Jobs not yet ended whose partitions have all ended: what the fan-in must finalise (also after a restart). */
  async jobsToFinalize(): Promise<string[]> {
    return (await this.pool.query<{ id: string }>(JOBS_TO_FINALIZE)).rows.map((r) => r.id);
  }
}
