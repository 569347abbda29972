import type pg from 'pg';
import type { ErrorInfo, JobStatus, ManifestColumn } from '@partita/contracts';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { registerVersion, type DatasetRecord } from '../datasets/store.js';
import { releaseHeld } from '../partitions/ending.js';
import type { CountedJobRow, JobRow, JobWithPartitions, PartitionRow } from '../records.js';
import type { JobMessages } from '../recovery/store.js';
import { transaction } from '../transaction.js';
import * as sql from './sql.js';

export interface NewPartition {
  index: number;
  payload: unknown;
  items: number;
  estimatedCost: number;
}

export interface NewJob {
  id: string;
  kind: string;
  spec: unknown;
  output: { container: string; prefix: string };
  itemsTotal: number;
  partitions: readonly NewPartition[];
  idempotencyKey?: string | undefined;
  /** The planner's facts the workers and the status need (extracts: chunking, column plans, snapshot). */
  details?: Record<string, unknown> | undefined;
  /** The name of the API token that submitted it, when the API asks for tokens. */
  submittedBy?: string | null | undefined;
  /** The kind's version that planned it (`major.minor.patch`): its partitions go to that major's queue. */
  kindVersion?: string | null | undefined;
  /** The partition queue of its kind's major (see partitionQueueName). */
  queue?: string | undefined;
  /** What the job's progress counts (`groups`, `rows`). */
  itemNoun?: string | undefined;
  /** The columns of its files, as its manifest will publish them; null when it writes none. */
  columns?: readonly ManifestColumn[] | null | undefined;
  /** Said when it was accepted (no live worker serves its kind, say). */
  warnings?: readonly string[] | undefined;
  /** At most this many of its partitions queued or running at once; the others are held. Default: no cap. */
  maxConcurrency?: number | undefined;
}

/** A job refused before it had a plan (its source is wrong or unavailable). */
export interface NewFailedJob {
  id: string;
  kind: string;
  spec: unknown;
  output: { container: string; prefix: string };
  error: ErrorInfo;
  idempotencyKey?: string | undefined;
}

/** How a job ends (once): its manifest, its error, and the dataset version it registers. */
export interface JobOutcome {
  status: 'succeeded' | 'failed';
  finishedAt: Date;
  manifestPath?: string;
  error?: ErrorInfo;
  dataset?: DatasetRecord;
}

export interface JobPage {
  rows: CountedJobRow[];
  /** The opaque cursor of the next page; null on the last. */
  nextCursor: string | null;
}

/** What a cancel did: the status after it, and the partitions it cancelled (to take off the queue). */
export interface Cancelled {
  status: JobStatus;
  kind: string;
  queue: string;
  cancelled: number[];
  /** False when the job had already ended (cancelled included). */
  changed: boolean;
}

/** Jobs: each with its partitions, recorded together, and the job-level transitions (cancel, retry, finish). */
export class JobStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Records a job and all its partitions in one transaction. With an idempotency key already used, returns that job instead. */
  async create(job: NewJob): Promise<{ id: string; created: boolean; status: JobStatus; sameSpec: boolean }> {
    return transaction(this.pool, async (client) => {
      const inserted = await client.query<{ id: string }>(sql.INSERT_JOB, [
        job.id,
        job.kind,
        job.spec,
        job.partitions.length,
        job.itemsTotal,
        job.output,
        job.idempotencyKey ?? null,
        job.details ?? null,
        job.submittedBy ?? null,
        job.kindVersion ?? null,
        job.queue ?? null,
        job.itemNoun ?? 'items',
        job.columns ? JSON.stringify(job.columns) : null,
        JSON.stringify(job.warnings ?? []),
        job.maxConcurrency ?? null,
      ]);
      if (inserted.rowCount === 0) {
        const existing = await client.query<{ id: string; status: JobStatus; same: boolean }>(sql.SAME_KEY, [
          job.idempotencyKey,
          JSON.stringify(job.spec),
        ]);
        const { same, ...row } = existing.rows[0]!;
        return { ...row, created: false, sameSpec: same };
      }
      await client.query(sql.INSERT_PARTITIONS, [
        job.id,
        job.partitions.map((p) => p.index),
        job.partitions.map((p) => JSON.stringify(p.payload)),
        job.partitions.map((p) => p.items),
        job.partitions.map((p) => p.estimatedCost),
        job.maxConcurrency ?? null,
      ]);
      return { id: job.id, created: true, status: 'queued' as const, sameSpec: true };
    });
  }

  /**
   * Records a job refused before it had a plan as failed, with no partitions: a pipeline run's entry that cannot be
   * planned fails its own job. With an idempotency key already used, returns that job instead.
   */
  async createFailed(job: NewFailedJob): Promise<{ id: string; created: boolean }> {
    const { rows } = await this.pool.query<{ id: string }>(sql.INSERT_FAILED_JOB, [
      job.id,
      job.kind,
      job.spec,
      job.output,
      job.error,
      job.idempotencyKey ?? null,
    ]);
    if (rows[0]) return { id: rows[0].id, created: true };
    const existing = await this.byIdempotencyKey(job.idempotencyKey ?? '');
    return { id: existing!.id, created: false };
  }

  /** A job's status alone, or null for an unknown job: cheap enough to ask often. */
  async status(jobId: string): Promise<JobStatus | null> {
    const { rows } = await this.pool.query<{ status: JobStatus }>(sql.STATUS, [jobId]);
    return rows[0]?.status ?? null;
  }

  /** The job submitted with an idempotency key, with its spec (to tell a repeat from a reuse of the key), or null. */
  async byIdempotencyKey(key: string): Promise<{ id: string; status: JobStatus; spec: unknown } | null> {
    const { rows } = await this.pool.query<{ id: string; status: JobStatus; spec: unknown }>(sql.BY_IDEMPOTENCY_KEY, [key]);
    return rows[0] ?? null;
  }

  /** Removes a job that never reached the queue (its partitions and attempts go with it). */
  async delete(jobId: string): Promise<void> {
    await this.pool.query(sql.DELETE_JOB, [jobId]);
  }

  /** Every partition is on the queue: stamps the enqueue time (the start of each partition's queue wait). */
  async markEnqueued(jobId: string): Promise<void> {
    await this.pool.query(sql.MARK_ENQUEUED, [jobId]);
  }

  /** A job and its partitions; null for an unknown job. */
  async get(id: string): Promise<JobWithPartitions | null> {
    const job = await this.pool.query<JobRow>(sql.JOB, [id]);
    const row = job.rows[0];
    if (!row) return null;
    const partitions = await this.pool.query<PartitionRow>(sql.PARTITIONS_OF_JOB, [id]);
    return { job: row, partitions: partitions.rows };
  }

  /** Newest first, with partition counts; `cursor` is the opaque value of a previous page's `nextCursor`. */
  async list(options: { limit: number; cursor?: string | undefined; status?: JobStatus | undefined }): Promise<JobPage> {
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    const { rows } = await this.pool.query<CountedJobRow>(sql.LIST_JOBS, [
      after?.createdAt ?? null,
      after?.id ?? null,
      options.status ?? null,
      options.limit + 1,
    ]);
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return { rows: page, nextCursor: rows.length > options.limit && last ? encodeCursor(last.created_at, last.id) : null };
  }

  /** Cancels a queued or running job: partitions not yet started never run. Null when the job is unknown. */
  async cancel(id: string): Promise<Cancelled | null> {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<{ status: JobStatus; kind: string; queue: string }>(sql.LOCK_FOR_CANCEL, [id]);
      const job = rows[0];
      if (!job) return null;
      if (job.status !== 'queued' && job.status !== 'running') return { ...job, cancelled: [], changed: false };
      await client.query(sql.CANCEL_JOB, [id]);
      const cancelled = await client.query<{ idx: number }>(sql.CANCEL_QUEUED_PARTITIONS, [id]);
      return { status: 'cancelled', kind: job.kind, queue: job.queue, cancelled: cancelled.rows.map((r) => r.idx), changed: true };
    });
  }

  /**
   * Puts a failed job's failed partitions back to `queued` with a fresh retry budget; succeeded partitions and their
   * files stay. Returns the status after the call and the messages to enqueue again (none when the job was not
   * `failed`: nothing changed), or null for an unknown job.
   */
  async retry(id: string): Promise<(JobMessages & { status: JobStatus }) | null> {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<{
        status: JobStatus;
        kind: string;
        queue: string;
        spec: Record<string, unknown>;
        capped: boolean;
      }>(sql.LOCK_FOR_RETRY, [id]);
      const job = rows[0];
      if (!job) return null;
      const { capped, ...found } = job;
      if (job.status !== 'failed') return { ...found, payloads: [] };
      // A capped job's partitions go back held, and as many as its cap allows are released at once.
      const parts = await client.query<{ payload: unknown }>(sql.REQUEUE_FAILED_PARTITIONS, [id, capped]);
      await client.query(sql.REOPEN_JOB, [id]);
      const payloads = capped ? ((await releaseHeld(client, [id])).get(id)?.payloads ?? []) : parts.rows.map((r) => r.payload);
      return { status: 'running', kind: job.kind, queue: job.queue, spec: job.spec, payloads };
    });
  }

  /** Which of these jobs have not ended (queued or running). */
  async open(ids: readonly string[]): Promise<Set<string>> {
    return new Set((await this.pool.query<{ id: string }>(sql.OPEN_OF, [ids])).rows.map((r) => r.id));
  }

  /** Partitions not yet ended (queued or running) of the open jobs a token submitted. */
  async openPartitionsSubmittedBy(token: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(sql.OPEN_PARTITIONS_SUBMITTED_BY, [token]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Merges `patch` into a job's details (top-level keys replaced). */
  async mergeDetails(jobId: string, patch: Record<string, unknown>): Promise<void> {
    await this.pool.query(sql.MERGE_DETAILS, [jobId, patch]);
  }

  /**
   * Ends a job, once, registering its dataset version with it: returns false when it had already ended (another
   * finaliser won, or it was cancelled).
   */
  async finish(jobId: string, outcome: JobOutcome): Promise<boolean> {
    return transaction(this.pool, async (client) => {
      const { rowCount } = await client.query(sql.FINISH_JOB, [
        jobId,
        outcome.status,
        outcome.manifestPath ?? null,
        outcome.error ?? null,
        outcome.finishedAt,
      ]);
      if (rowCount && outcome.dataset) await registerVersion(client, jobId, outcome.dataset);
      return (rowCount ?? 0) > 0;
    });
  }
}
