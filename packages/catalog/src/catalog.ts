import pg from 'pg';
import {
  quoteIdent,
  type DatasetHistory,
  type DatasetList,
  type ErrorInfo,
  type FileView,
  type JobList,
  type JobStatus,
  type ManifestColumn,
} from '@partita/contracts';
import { decodeCursor, encodeCursor } from './cursor.js';
import { JOB_COUNTS } from './job-counts.js';
import { migrate } from './migrate.js';
import { PipelineStore } from './pipelines.js';
import { SessionStore } from './sessions.js';
import { JobEnds } from './job-ends.js';
import { transaction } from './transaction.js';
import {
  toDatasetVersion,
  toJobSummary,
  toJobView,
  type DatasetRow,
  type JobCounts,
  type JobRecord,
  type JobRow,
  type PartitionRow,
} from './rows.js';

/** A job's partition queue; jobs from before kinds had versions used \`partitions-<kind>\`. */
const QUEUE = "coalesce(j.queue, 'partitions-' || j.kind)";

// bigint columns as strings (exact), numeric as strings: conversions happen where the meaning is known.
export interface CatalogOptions {
  /** PostgreSQL connection string of the catalog database. */
  connectionString: string;
  /** Schema holding the catalog tables; created by migrate(). Default `partita`. */
  schema?: string;
  /** Pool size. Default 10. */
  max?: number;
  /** Shown in pg_stat_activity. Default `partita`. */
  applicationName?: string;
}

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

/** Held partitions of one job that now fit under its cap: their messages go to the queue. */
export interface ReleasedPartitions {
  jobId: string;
  queue: string;
  spec: Record<string, unknown>;
  payloads: unknown[];
}

/** What a worker gets when it may run a partition. */
export interface StartedPartition {
  attempt: number;
  spec: Record<string, unknown>;
  output: { container: string; prefix: string };
  details: Record<string, unknown> | null;
}

/** One partition of one job. */
export interface PartitionRef {
  jobId: string;
  index: number;
}

/** A partition's successful attempt, as a worker reports it. */
export interface PartitionEnd extends PartitionRef {
  attempt: number;
  result: PartitionResult;
}

const partitionKey = (jobId: string, index: number): string => `${jobId}/${index}`;

export type StartResult = { run: StartedPartition } | { skip: 'job-ended' | 'partition-ended' | 'unknown' };

export interface PartitionResult {
  files: FileView[];
  runMs: number;
  /** Extracts: the chunk read a snapshot of its own instead of the job's. */
  ownSnapshot?: boolean;
}

export interface DatasetRecord {
  name: string;
  kind: string;
  schema: ReadonlyArray<{ name: string; type: string; nullable: boolean }>;
  description: string;
  tags: Record<string, string>;
  container: string;
  manifestPath: string;
  files: number;
  rows: number;
  bytes: number;
}

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

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The catalog: PostgreSQL tables that hold jobs, partitions, attempts and datasets. The source of truth. */
export class Catalog {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** Pipelines and their runs. */
  readonly pipelines: PipelineStore;
  /** Browser sessions (the session cookie's ids, hashed). */
  readonly sessions: SessionStore;

  constructor(private readonly options: CatalogOptions) {
    this.schema = options.schema ?? 'partita';
    if (!SCHEMA_NAME.test(this.schema)) throw new Error(`catalog schema "${this.schema}" must match ${SCHEMA_NAME}`);
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'partita',
      options: `-c search_path=${quoteIdent(this.schema)}`,
    });
    // An idle client's error (a restarted server) must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.pipelines = new PipelineStore(this.pool);
    this.sessions = new SessionStore(this.pool);
  }

  /** Job ends as they commit, for waiters (`GET /jobs/:id?wait=`): a connection of its own once started. */
  jobEnds(): JobEnds {
    return new JobEnds(this.options.connectionString, this.schema);
  }

  migrate(): Promise<number[]> {
    return migrate(this.pool, this.schema);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Records a job and all its partitions in one transaction. With an idempotency key already used, returns that job instead. */
  async createJob(job: NewJob): Promise<{ id: string; created: boolean; status: JobStatus; sameSpec: boolean }> {
    return transaction(this.pool, async (client) => {
      const inserted = await client.query<{ id: string }>(
        `insert into jobs (id, kind, spec, partitions_total, items_total, output, idempotency_key, details, submitted_by,
                           kind_version, queue, item_noun, columns, warnings, max_concurrency)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         on conflict (idempotency_key) do nothing
         returning id`,
        [
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
        ],
      );
      if (inserted.rowCount === 0) {
        const existing = await client.query<{ id: string; status: JobStatus; same: boolean }>(
          'select id, status, spec = $2::jsonb as same from jobs where idempotency_key = $1',
          [job.idempotencyKey, JSON.stringify(job.spec)],
        );
        const { same, ...row } = existing.rows[0]!;
        return { ...row, created: false, sameSpec: same };
      }
      await client.query(
        `insert into partitions (job_id, idx, payload, items, estimated_cost, held)
         select $1, *, $6::int is not null and idx >= $6::int
           from unnest($2::int[], $3::jsonb[], $4::int[], $5::float8[]) as p(idx, payload, items, estimated_cost)`,
        [
          job.id,
          job.partitions.map((p) => p.index),
          job.partitions.map((p) => JSON.stringify(p.payload)),
          job.partitions.map((p) => p.items),
          job.partitions.map((p) => p.estimatedCost),
          job.maxConcurrency ?? null,
        ],
      );
      return { id: job.id, created: true, status: 'queued' as const, sameSpec: true };
    });
  }

  /** A job's status alone, or null for an unknown job: cheap enough to ask often. */
  async jobStatus(jobId: string): Promise<JobStatus | null> {
    const { rows } = await this.pool.query<{ status: JobStatus }>('select status from jobs where id = $1', [jobId]);
    return rows[0]?.status ?? null;
  }

  /** The job submitted with an idempotency key, with its spec (to tell a repeat from a reuse of the key), or null. */
  async findByIdempotencyKey(key: string): Promise<{ id: string; status: JobStatus; spec: unknown } | null> {
    const { rows } = await this.pool.query<{ id: string; status: JobStatus; spec: unknown }>(
      'select id, status, spec from jobs where idempotency_key = $1',
      [key],
    );
    return rows[0] ?? null;
  }

  /** Removes a job that never reached the queue (its partitions and attempts go with it). */
  async deleteJob(jobId: string): Promise<void> {
    await this.pool.query('delete from jobs where id = $1', [jobId]);
  }

  /**
   * Records a job refused before it had a plan (its source is wrong or unavailable) as failed, with no partitions: a
   * pipeline run's entry that cannot be planned fails its own job. With an idempotency key already used, returns
   * that job instead.
   */
  async createFailedJob(job: {
    id: string;
    kind: string;
    spec: unknown;
    output: { container: string; prefix: string };
    error: ErrorInfo;
    idempotencyKey?: string | undefined;
  }): Promise<{ id: string; created: boolean }> {
    const { rows } = await this.pool.query<{ id: string }>(
      `insert into jobs (id, kind, spec, status, partitions_total, items_total, output, error, finished_at, idempotency_key)
       values ($1, $2, $3, 'failed', 0, 0, $4, $5, clock_timestamp(), $6)
       on conflict (idempotency_key) do nothing
       returning id`,
      [job.id, job.kind, job.spec, job.output, job.error, job.idempotencyKey ?? null],
    );
    if (rows[0]) return { id: rows[0].id, created: true };
    const existing = await this.findByIdempotencyKey(job.idempotencyKey ?? '');
    return { id: existing!.id, created: false };
  }

  /** Every partition is on the queue: stamps the enqueue time (the start of each partition's queue wait). */
  async markEnqueued(jobId: string): Promise<void> {
    await this.pool.query(
      `with j as (
         update jobs set enqueued_at = coalesce(enqueued_at, clock_timestamp()) where id = $1 returning enqueued_at
       )
       update partitions p set enqueued_at = coalesce(p.enqueued_at, j.enqueued_at) from j where p.job_id = $1`,
      [jobId],
    );
  }

  async getJob(id: string): Promise<JobRecord | null> {
    const job = await this.pool.query<JobRow>('select * from jobs where id = $1', [id]);
    const row = job.rows[0];
    if (!row) return null;
    const parts = await this.pool.query<PartitionRow>('select * from partitions where job_id = $1 order by idx', [id]);
    return toJobView(row, parts.rows);
  }

  /** Newest first; `cursor` is the opaque value of a previous page's `nextCursor`. */
  async listJobs(options: { limit: number; cursor?: string | undefined; status?: JobStatus | undefined }): Promise<JobList> {
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    const { rows } = await this.pool.query<JobRow & JobCounts>(
      `select j.*, c.*
         from jobs j
         cross join lateral (${JOB_COUNTS}) c
        where ($1::timestamptz is null or (j.created_at, j.id) < ($1::timestamptz, $2::uuid))
          and ($3::text is null or j.status = $3)
        order by j.created_at desc, j.id desc
        limit $4`,
      [after?.createdAt ?? null, after?.id ?? null, options.status ?? null, options.limit + 1],
    );
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toJobSummary(r, r)),
      nextCursor: rows.length > options.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  /**
   * Cancels a job that has not ended: partitions not yet started never run. Returns the status after the call with
   * the job's kind and the partitions this call cancelled (to take off the queue), or null when the job is unknown.
   */
  /** Cancels a queued or running job; `changed` is false when it had already ended (cancelled included). */
  async cancelJob(id: string): Promise<{ status: JobStatus; kind: string; queue: string; cancelled: number[]; changed: boolean } | null> {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<{ status: JobStatus; kind: string; queue: string }>(
        `select status, kind, ${QUEUE} as queue from jobs j where id = $1 for update`,
        [id],
      );
      const job = rows[0];
      if (!job) return null;
      if (job.status !== 'queued' && job.status !== 'running') return { ...job, cancelled: [], changed: false };
      await client.query(`update jobs set status = 'cancelled', finished_at = clock_timestamp() where id = $1`, [id]);
      const cancelled = await client.query<{ idx: number }>(
        `update partitions set status = 'cancelled', finished_at = clock_timestamp() where job_id = $1 and status = 'queued' returning idx`,
        [id],
      );
      return { status: 'cancelled', kind: job.kind, queue: job.queue, cancelled: cancelled.rows.map((r) => r.idx), changed: true };
    });
  }

  /**
   * A worker claims an attempt of a partition. Skips when the job has ended (cancelled) or the partition already
   * ended (a duplicate delivery): at-least-once delivery, exactly-once effect.
   */
  async startPartition(jobId: string, index: number, workerId: string): Promise<StartResult> {
    return (await this.startPartitions([{ jobId, index }], workerId))[0]!;
  }

  /**
   * Claims attempts of many partitions at once (one transaction, a handful of statements whatever their number): a
   * worker's partitions that start together share one round trip and one commit. Results in the order of `parts`.
   */
  async startPartitions(parts: readonly PartitionRef[], workerId: string): Promise<StartResult[]> {
    return transaction(this.pool, async (client) => {
      const jobIds = [...new Set(parts.map((p) => p.jobId))].sort();
      const jobs = await client.query<{
        id: string;
        status: JobStatus;
        spec: Record<string, unknown>;
        output: StartedPartition['output'];
        details: StartedPartition['details'];
      }>('select id, status, spec, output, details from jobs where id = any($1::uuid[])', [jobIds]);
      const byId = new Map(jobs.rows.map((j) => [j.id, j]));
      const queued = jobIds.filter((id) => byId.get(id)?.status === 'queued');
      if (queued.length > 0) {
        // The job rows before the partition rows (in id order), as in every other transaction that touches both
        // (enqueue, cancel, ending attempts): one lock order, no deadlock. A running job's row is not touched at all.
        await client.query(
          `update jobs set status = 'running', started_at = coalesce(started_at, clock_timestamp())
            where id in (select id from jobs where id = any($1::uuid[]) and status = 'queued' order by id for update)`,
          [queued],
        );
      }
      const attempts = new Map<string, number>();
      // One job at a time, its partitions by `idx = any(...)`: a primary-key lookup whatever the planner knows of the
      // table (a join with the list lets it scan every open partition of the job instead, each time).
      for (const jobId of jobIds) {
        const status = byId.get(jobId)?.status;
        if (status !== 'queued' && status !== 'running') continue;
        const idxs = parts.filter((p) => p.jobId === jobId).map((p) => p.index);
        const updated = await client.query<{ idx: number; attempts: number }>(
          `update partitions
              set status = 'running', attempts = attempts + 1, worker_id = $3, error = null, items_done = 0,
                  started_at = clock_timestamp(), heartbeat_at = clock_timestamp(),
                  queue_wait_ms = coalesce(queue_wait_ms,
                    extract(epoch from clock_timestamp() - coalesce(enqueued_at, clock_timestamp())) * 1000)
            where job_id = $1 and idx = any($2::int[]) and status in ('queued', 'running')
            returning idx, attempts`,
          [jobId, idxs, workerId],
        );
        if (updated.rows.length === 0) continue;
        for (const row of updated.rows) attempts.set(partitionKey(jobId, row.idx), row.attempts);
        const started = updated.rows.map((r) => r.idx);
        // An attempt still marked running was abandoned (its worker died and the queue handed the partition over).
        await client.query(
          `update attempts set outcome = 'abandoned', finished_at = clock_timestamp()
            where job_id = $1 and idx = any($2::int[]) and outcome = 'running'`,
          [jobId, started],
        );
        await client.query(
          `insert into attempts (job_id, idx, attempt, worker_id)
           select $1, idx, attempt, $4 from unnest($2::int[], $3::int[]) as r(idx, attempt)`,
          [jobId, started, updated.rows.map((r) => r.attempts), workerId],
        );
      }
      return parts.map((p): StartResult => {
        const job = byId.get(p.jobId);
        if (!job) return { skip: 'unknown' };
        if (job.status !== 'queued' && job.status !== 'running') return { skip: 'job-ended' };
        const attempt = attempts.get(partitionKey(p.jobId, p.index));
        if (attempt === undefined) return { skip: 'partition-ended' };
        return { run: { attempt, spec: job.spec, output: job.output, details: job.details } };
      });
    });
  }

  /** A running attempt is alive: the reconciler leaves a partition alone while its attempt beats. */
  async heartbeat(jobId: string, index: number, attempt: number): Promise<void> {
    await this.pool.query(
      `update partitions set heartbeat_at = clock_timestamp() where job_id = $1 and idx = $2 and attempts = $3 and status = 'running'`,
      [jobId, index, attempt],
    );
  }

  /** A running attempt's progress: items (groups, rows) done so far. Ignored once the attempt is no longer current. */
  async reportProgress(jobId: string, index: number, attempt: number, itemsDone: number): Promise<void> {
    await this.pool.query(`update partitions set items_done = $4 where job_id = $1 and idx = $2 and attempts = $3 and status = 'running'`, [
      jobId,
      index,
      attempt,
      itemsDone,
    ]);
  }

  /** Records a successful attempt. Returns whether every partition of the job has now ended (time to finalise). */
  async completePartition(
    jobId: string,
    index: number,
    attempt: number,
    result: PartitionResult,
  ): Promise<{ recorded: boolean; jobComplete: boolean; released: ReleasedPartitions | null }> {
    return (await this.completePartitions([{ jobId, index, attempt, result }]))[0]!;
  }

  /**
   * Records many successful attempts in one transaction. `jobComplete` is true for exactly one entry of a job whose
   * partitions have now all ended (of two batches ending a job's last partitions at once, the later one sees it).
   */
  async completePartitions(
    ends: readonly PartitionEnd[],
  ): Promise<Array<{ recorded: boolean; jobComplete: boolean; released: ReleasedPartitions | null }>> {
    return transaction(this.pool, async (client) => {
      const jobIds = [...new Set(ends.map((e) => e.jobId))].sort();
      // Lock the job rows (in id order): of two batches ending a job's partitions at once, exactly one sees it complete.
      await client.query('select 1 from jobs where id = any($1::uuid[]) order by id for update', [jobIds]);
      const recorded = new Set<string>();
      for (const jobId of jobIds) {
        const mine = ends.filter((e) => e.jobId === jobId);
        const idxs = mine.map((e) => e.index);
        const updated = await client.query<{ idx: number }>(
          `update partitions p
              set status = 'succeeded', finished_at = clock_timestamp(), items_done = p.items, run_ms = r.run_ms, rows = r.rows,
                  bytes = r.bytes, files = r.files, own_snapshot = r.own_snapshot
             from unnest($2::int[], $3::int[], $4::float8[], $5::bigint[], $6::bigint[], $7::jsonb[], $8::boolean[])
                  as r(idx, attempt, run_ms, rows, bytes, files, own_snapshot)
            where p.job_id = $1 and p.idx = any($2::int[]) and p.idx = r.idx and p.attempts = r.attempt and p.status = 'running'
            returning p.idx`,
          [
            jobId,
            idxs,
            mine.map((e) => e.attempt),
            mine.map((e) => e.result.runMs),
            mine.map((e) => e.result.files.reduce((a, f) => a + f.rows, 0)),
            mine.map((e) => e.result.files.reduce((a, f) => a + f.bytes, 0)),
            mine.map((e) => JSON.stringify(e.result.files)),
            mine.map((e) => e.result.ownSnapshot ?? false),
          ],
        );
        for (const row of updated.rows) recorded.add(partitionKey(jobId, row.idx));
        await client.query(
          `update attempts a set outcome = 'succeeded', error = null, run_ms = r.run_ms, finished_at = clock_timestamp()
             from unnest($2::int[], $3::int[], $4::float8[]) as r(idx, attempt, run_ms)
            where a.job_id = $1 and a.idx = any($2::int[]) and a.idx = r.idx and a.attempt = r.attempt and a.outcome = 'running'`,
          [jobId, idxs, mine.map((e) => e.attempt), mine.map((e) => e.result.runMs)],
        );
      }
      const released = await this.releaseHeld(client, jobIds);
      const complete = await this.completeJobs(client, jobIds);
      const lastOfJob = new Map(ends.map((e, i) => [e.jobId, i]));
      return ends.map((e, i) => ({
        recorded: recorded.has(partitionKey(e.jobId, e.index)),
        jobComplete: complete.has(e.jobId) && lastOfJob.get(e.jobId) === i,
        released: lastOfJob.get(e.jobId) === i ? (released.get(e.jobId) ?? null) : null,
      }));
    });
  }

  /**
   * Of `jobIds` (their rows locked by the caller), the capped jobs' held partitions that now fit under their cap, in
   * index order: no longer held, their messages for the caller to enqueue.
   */
  private async releaseHeld(client: pg.PoolClient, jobIds: readonly string[]): Promise<Map<string, ReleasedPartitions>> {
    const { rows } = await client.query<{ job_id: string; queue: string; spec: Record<string, unknown>; payloads: unknown[] }>(
      `with capped as (
         select j.id, ${QUEUE} as queue, j.spec,
                j.max_concurrency - (select count(*) from partitions p
                                      where p.job_id = j.id and not p.held and p.status in ('queued', 'running')) as room
           from jobs j
          where j.id = any($1::uuid[]) and j.max_concurrency is not null and j.status in ('queued', 'running')
       ), picked as (
         select c.id as job_id, n.idx
           from capped c
           cross join lateral (select idx from partitions p where p.job_id = c.id and p.held and p.status = 'queued'
                                order by idx limit greatest(c.room, 0)) n
       ), released as (
         update partitions p set held = false from picked
          where p.job_id = picked.job_id and p.idx = picked.idx
          returning p.job_id, p.idx, p.payload
       )
       select r.job_id::text as job_id, c.queue, c.spec, json_agg(r.payload order by r.idx) as payloads
         from released r join capped c on c.id = r.job_id
        group by r.job_id, c.queue, c.spec`,
      [jobIds],
    );
    return new Map(rows.map((r) => [r.job_id, { jobId: r.job_id, queue: r.queue, spec: r.spec, payloads: r.payloads }]));
  }

  /** Of `jobIds` (their rows locked by the caller), those without a queued or running partition left. */
  private async completeJobs(client: pg.PoolClient, jobIds: readonly string[]): Promise<Set<string>> {
    const { rows } = await client.query<{ id: string }>(
      `select j.id from unnest($1::uuid[]) as j(id)
        where not exists (select 1 from partitions p where p.job_id = j.id and p.status in ('queued', 'running'))`,
      [jobIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Records a failed attempt. A handed-back attempt (its worker shut down) puts the partition back without spending its
   * retry budget; otherwise the failure counts, and the partition fails for good when the error is not retryable or
   * its failures reach `maxAttempts`. The catalog decides, so the budget survives queue messages that are lost and added
   * again. Returns whether that was final and whether every partition of the job has now ended.
   */
  async failPartition(
    jobId: string,
    index: number,
    attempt: number,
    error: ErrorInfo,
    options: { handedBack: boolean; maxAttempts: number },
    runMs: number,
  ): Promise<{ recorded: boolean; final: boolean; jobComplete: boolean; released: ReleasedPartitions | null }> {
    let final = false;
    const ended = await this.endAttempt(
      jobId,
      index,
      attempt,
      `update partitions
          set failures = failures + $4::int,
              status = case when $4::int = 1 and (not $5::boolean or failures + 1 >= $6::int) then 'failed' else 'queued' end,
              error = $7, run_ms = $8,
              finished_at = case when $4::int = 1 and (not $5::boolean or failures + 1 >= $6::int) then clock_timestamp() end
        where job_id = $1 and idx = $2 and attempts = $3 and status = 'running'
        returning status`,
      [options.handedBack ? 0 : 1, error.retryable, options.maxAttempts, error, runMs],
      options.handedBack ? 'handed-back' : 'failed',
      error,
      runMs,
      (rows) => (final = rows[0]?.status === 'failed'),
    );
    return { ...ended, final };
  }

  private async endAttempt(
    jobId: string,
    index: number,
    attempt: number,
    updateSql: string,
    params: unknown[],
    outcome: 'failed' | 'handed-back' | 'lost',
    error: ErrorInfo | null,
    runMs: number | null,
    onUpdated?: (rows: Array<Record<string, unknown>>) => void,
  ): Promise<{ recorded: boolean; jobComplete: boolean; released: ReleasedPartitions | null }> {
    return transaction(this.pool, async (client) => {
      // Lock the job row: of two partitions ending at once, exactly one sees the job complete.
      await client.query('select 1 from jobs where id = $1 for update', [jobId]);
      const updated = await client.query(updateSql, [jobId, index, attempt, ...params]);
      onUpdated?.(updated.rows);
      await client.query(
        `update attempts set outcome = $4, error = $5, run_ms = $6, finished_at = clock_timestamp()
          where job_id = $1 and idx = $2 and attempt = $3 and outcome = 'running'`,
        [jobId, index, attempt, outcome, error, runMs],
      );
      const released = await this.releaseHeld(client, [jobId]);
      const complete = await this.completeJobs(client, [jobId]);
      return { recorded: (updated.rowCount ?? 0) > 0, jobComplete: complete.has(jobId), released: released.get(jobId) ?? null };
    });
  }

  /**
   * A partition whose queue message ended without its attempt ever being recorded (the message stalled out: its worker
   * died or hung too often): the partition fails with `error`. No-op when the attempt has moved on meanwhile.
   */
  async failLostPartition(
    jobId: string,
    index: number,
    attempt: number,
    error: ErrorInfo,
  ): Promise<{ recorded: boolean; jobComplete: boolean; released: ReleasedPartitions | null }> {
    return this.endAttempt(
      jobId,
      index,
      attempt,
      `update partitions set status = 'failed', error = $4, finished_at = clock_timestamp()
        where job_id = $1 and idx = $2 and attempts = $3 and status in ('queued', 'running')`,
      [error],
      'lost',
      error,
      null,
    );
  }

  /**
   * Puts a failed job's failed partitions back to `queued` with a fresh retry budget; succeeded partitions and their
   * files stay. Returns the partitions to enqueue again, the status found when the job was not `failed` (nothing
   * changed), or null for an unknown job.
   */
  async retryJob(
    id: string,
  ): Promise<{ status: JobStatus; kind: string; queue: string; spec: Record<string, unknown>; payloads: unknown[] } | null> {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<{
        status: JobStatus;
        kind: string;
        queue: string;
        spec: Record<string, unknown>;
        capped: boolean;
      }>(`select status, kind, ${QUEUE} as queue, spec, max_concurrency is not null as capped from jobs j where id = $1 for update`, [id]);
      const job = rows[0];
      if (!job) return null;
      const { capped, ...found } = job;
      if (job.status !== 'failed') return { ...found, payloads: [] };
      // A capped job's partitions go back held, and as many as its cap allows are released at once.
      const parts = await client.query<{ payload: unknown }>(
        `update partitions
            set status = 'queued', failures = 0, error = null, finished_at = null, enqueued_at = clock_timestamp(), queue_wait_ms = null,
                held = $2
          where job_id = $1 and status = 'failed'
          returning payload`,
        [id, capped],
      );
      await client.query(
        `update jobs set status = 'running', finished_at = null, error = null, manifest_path = null, retries = retries + 1 where id = $1`,
        [id],
      );
      const payloads = capped ? ((await this.releaseHeld(client, [id])).get(id)?.payloads ?? []) : parts.rows.map((r) => r.payload);
      return { status: 'running', kind: job.kind, queue: job.queue, spec: job.spec, payloads };
    });
  }

  /**
   * Takes running partitions away from attempts whose heartbeats stopped `silentMs` ago (their worker died): each
   * such attempt ends `abandoned` and its partition is queued again, so the status never shows a dead attempt as
   * running, and the attempt's late reports (a worker that was only slow) are fenced off by its attempt number.
   * Returns the partitions taken back, for their queue messages to follow.
   */
  async takeBackSilentPartitions(
    silentMs: number,
  ): Promise<Array<{ jobId: string; index: number; queue: string; attempt: number; workerId: string | null }>> {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<{ job_id: string; idx: number; queue: string; attempts: number; worker_id: string | null }>(
        `update partitions p set status = 'queued', heartbeat_at = null, items_done = 0
           from jobs j
          where j.id = p.job_id and j.status in ('queued', 'running') and p.status = 'running'
            and p.heartbeat_at < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
          returning p.job_id::text as job_id, p.idx, ${QUEUE} as queue, p.attempts, p.worker_id`,
        [silentMs],
      );
      if (rows.length === 0) return [];
      await client.query(
        `update attempts a set outcome = 'abandoned', finished_at = clock_timestamp()
           from unnest($1::uuid[], $2::int[], $3::int[]) as d(job_id, idx, attempt)
          where a.job_id = d.job_id and a.idx = d.idx and a.attempt = d.attempt and a.outcome = 'running'`,
        [rows.map((r) => r.job_id), rows.map((r) => r.idx), rows.map((r) => r.attempts)],
      );
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
    }>(
      `select p.job_id, p.idx, ${QUEUE} as queue, p.status, p.attempts,
              (extract(epoch from clock_timestamp() - p.heartbeat_at) * 1000)::float8 as silent_ms
         from jobs j join partitions p on p.job_id = j.id
        where j.status in ('queued', 'running') and j.enqueued_at is not null and p.status in ('queued', 'running')
          and not p.held
        order by j.created_at, p.idx`,
    );
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
    const { rows } = await this.pool.query<{ id: string }>(
      `select id from jobs
        where status = 'queued' and enqueued_at is null and created_at < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
        order by created_at`,
      [olderThanMs],
    );
    return rows.map((r) => r.id);
  }

  /** The queue messages of a job's open partitions (or of the given ones), with the job's kind and spec. */
  async openPayloads(
    jobId: string,
    indices?: readonly number[],
  ): Promise<{ kind: string; queue: string; spec: Record<string, unknown>; payloads: unknown[] } | null> {
    const job = await this.pool.query<{ kind: string; queue: string; spec: Record<string, unknown> }>(
      `select kind, ${QUEUE} as queue, spec from jobs j where id = $1`,
      [jobId],
    );
    const j = job.rows[0];
    if (!j) return null;
    const parts = await this.pool.query<{ payload: unknown }>(
      `select payload from partitions
        where job_id = $1 and status in ('queued', 'running') and not held and ($2::int[] is null or idx = any($2::int[]))
        order by idx`,
      [jobId, indices ?? null],
    );
    return { ...j, payloads: parts.rows.map((r) => r.payload) };
  }

  /** Runs `fn` only if no other process (another master) runs the same named pass right now; returns whether it ran. */
  async exclusively(pass: string, fn: () => Promise<void>): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1), hashtext($2)) as locked', [
        pass,
        this.schema,
      ]);
      if (!rows[0]?.locked) return false;
      try {
        await fn();
      } finally {
        await client.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [pass, this.schema]);
      }
      return true;
    } finally {
      client.release();
    }
  }

  /** Jobs not yet ended whose partitions have all ended: what the fan-in must finalise (also after a restart). */
  async jobsToFinalize(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `select j.id from jobs j
        where j.status in ('queued', 'running') and j.enqueued_at is not null
          and not exists (select 1 from partitions p where p.job_id = j.id and p.status in ('queued', 'running'))
        order by j.created_at`,
    );
    return rows.map((r) => r.id);
  }

  /** Ends a job, once: returns false when it had already ended (another finaliser won, or it was cancelled). */
  async finishJob(
    jobId: string,
    outcome: { status: 'succeeded' | 'failed'; finishedAt: Date; manifestPath?: string; error?: ErrorInfo; dataset?: DatasetRecord },
  ): Promise<boolean> {
    return transaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `update jobs set status = $2, finished_at = $5, manifest_path = $3, error = $4
          where id = $1 and status in ('queued', 'running')`,
        [jobId, outcome.status, outcome.manifestPath ?? null, outcome.error ?? null, outcome.finishedAt],
      );
      if (rowCount && outcome.dataset) {
        const d = outcome.dataset;
        // Versions count up per name; the lock orders two jobs of one dataset that end at once.
        await client.query(`select pg_advisory_xact_lock(hashtext('partita.dataset'), hashtext($1))`, [d.name]);
        await client.query(
          `insert into datasets (job_id, name, version, kind, description, tags, container, manifest_path, files, rows, bytes, schema)
           select $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11 from datasets where name = $2`,
          [jobId, d.name, d.kind, d.description, d.tags, d.container, d.manifestPath, d.files, d.rows, d.bytes, JSON.stringify(d.schema)],
        );
      }
      return (rowCount ?? 0) > 0;
    });
  }

  /** A worker says it is alive and which kinds (name and version) it serves: at start-up and with every beat. */
  async workerSeen(id: string, kinds: readonly { name: string; version: string }[]): Promise<void> {
    // Workers that vanished without a word (killed) are forgotten after a day.
    await this.pool.query(`delete from workers where seen_at < now() - interval '1 day'`);
    await this.pool.query(
      `insert into workers (id, kinds) values ($1, $2)
       on conflict (id) do update set kinds = excluded.kinds, seen_at = now()`,
      [id, JSON.stringify(kinds)],
    );
  }

  /** A worker that stops says so: it no longer counts as serving its kinds. */
  async workerGone(id: string): Promise<void> {
    await this.pool.query('delete from workers where id = $1', [id]);
  }

  /** Workers seen within `aliveMs`, with the kinds they serve. */
  async liveWorkers(aliveMs: number): Promise<{ id: string; kinds: { name: string; version: string }[]; seenAt: string }[]> {
    const { rows } = await this.pool.query<{ id: string; kinds: { name: string; version: string }[]; seen_at: Date }>(
      `select id, kinds, seen_at from workers where seen_at >= now() - $1 * interval '1 millisecond' order by id`,
      [aliveMs],
    );
    return rows.map((r) => ({ id: r.id, kinds: r.kinds, seenAt: r.seen_at.toISOString() }));
  }

  /** Merges `patch` into a job's details (top-level keys replaced). */
  /** Partitions not yet ended (queued or running) of the open jobs a token submitted. */
  async openPartitionsSubmittedBy(token: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `select count(*) as n from jobs j join partitions p on p.job_id = j.id
        where j.submitted_by = $1 and j.status in ('queued', 'running') and p.status in ('queued', 'running')`,
      [token],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Which of these jobs have not ended (queued or running). */
  async openJobs(ids: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ id: string }>(
      `select id::text as id from jobs where id = any($1::uuid[]) and status in ('queued', 'running')`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  async updateDetails(jobId: string, patch: Record<string, unknown>): Promise<void> {
    await this.pool.query(`update jobs set details = coalesce(details, '{}'::jsonb) || $2::jsonb where id = $1`, [jobId, patch]);
  }

  /** Every registered dataset with its latest version, by name. */
  async listDatasets(): Promise<DatasetList> {
    const { rows } = await this.pool.query<DatasetRow & { versions: number }>(
      `select distinct on (name) *, count(*) over (partition by name)::int as versions
         from datasets order by name, version desc`,
    );
    return { items: rows.map((r) => ({ ...toDatasetVersion(r), versions: r.versions })) };
  }

  /** Every version of a dataset, newest first; null when no dataset has that name. */
  async getDataset(name: string): Promise<DatasetHistory | null> {
    const { rows } = await this.pool.query<DatasetRow>('select * from datasets where name = $1 order by version desc', [name]);
    return rows.length === 0 ? null : { name, versions: rows.map(toDatasetVersion) };
  }

  /** The exact end time the job will report: the finaliser stamps it before writing the manifest. */
  async now(): Promise<Date> {
    const { rows } = await this.pool.query<{ now: Date }>('select clock_timestamp() as now');
    return rows[0]!.now;
  }
}
