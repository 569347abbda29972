import type pg from 'pg';
import type { Writable } from 'node:stream';
import type { FileView } from '@partita/contracts';

/** The logger a kind gets: structured, one line per call, already naming the job and the partition. */
export interface KindLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Per-job limits of the master a plan must stay within. */
export interface PlanLimits {
  /** Most partitions of one job (MAX_PARTITIONS_PER_JOB). */
  partitions: number;
  /** Most units (groups, parameter sets, items) of one job (MAX_GROUPS_PER_JOB). */
  units: number;
  /** Most source rows of one job (MAX_ROWS_PER_JOB). */
  rows: number;
  /** The longest statement timeout a job may ask for, in ms (MAX_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: number;
  /** How long planning one job may take, in ms (PLAN_TIMEOUT_MS). */
  planTimeoutMs: number;
}

/**
 * A snapshot of the source exported for one job (`pg_export_snapshot()` in a REPEATABLE READ READ ONLY transaction):
 * every partition reads the same data. Kept while the job runs once the job is accepted; released when it is not.
 */
export interface SourceSnapshot {
  readonly id: string;
  /** The connection inside the snapshot's transaction: plan on it, nothing else uses it meanwhile. */
  readonly client: pg.ClientBase;
  /** Ends the snapshot's backend from another connection, whatever it runs, then releases it. */
  terminate(): Promise<void>;
  /** Ends the transaction. Idempotent. */
  release(): Promise<void>;
}

/** What planning on the master gets. */
export interface PlanContext {
  jobId: string;
  /** The source database, read by a role that can only read. */
  source(): pg.Pool;
  /** Exports a snapshot of the source for this job. */
  exportSnapshot(): Promise<SourceSnapshot>;
  /**
   * Holds `snapshot` for the job once it is accepted (released when the job ends); `countSql`, when given, is counted
   * in it while the job runs: the job succeeds only if its rows written equal that count (the completeness check).
   */
  keepSnapshot(jobId: string, snapshot: SourceSnapshot, countSql?: string): void;
  limits: PlanLimits;
  /** Aborted when the client goes away or planning takes longer than PLAN_TIMEOUT_MS. */
  signal: AbortSignal;
}

/** One unit of a job's input as the planner sees it: a key (hash partitioning) and its estimated cost. */
export interface PlanUnit {
  key: string;
  cost: number;
  /** Items it counts for in the job's progress (rows of a group, say). Default 1. */
  items?: number;
}

/** What an input's planning made: the units, how a partition's units travel, and what the job holds meanwhile. */
export interface InputPlan {
  units: readonly PlanUnit[];
  /** A partition's units (indices into `units`, ascending) as its queue message carries them: small JSON, no data. */
  encode(units: readonly number[]): unknown;
  /** Facts the workers and the job's status need (columns, a snapshot id), recorded with the job. */
  details?: Record<string, unknown>;
  /** What the plan holds open while its job runs: kept once the job is accepted, released when it is not. */
  lease?: { keep(jobId: string): void; release(): Promise<void> };
  /** Output prefix in the container. Default: the spec's `output.prefix`, else the kind's name. */
  prefix?: string;
}

/** What a worker gets to open a partition's units. */
export interface OpenContext {
  jobId: string;
  log: KindLogger;
  source(): pg.Pool;
  /** What planning recorded (InputPlan.details). */
  details: Record<string, unknown> | null;
  signal: AbortSignal;
}

/** A Parquet file of the partition being uploaded from `body` while it is written. */
export interface FileUpload {
  path: string;
  body: Writable;
  /** Resolves once the blob is committed (after `body` ended). */
  uploaded(): Promise<{ bytes: number }>;
  /** Abandons the upload: nothing of it becomes visible. */
  abort(err: Error): Promise<void>;
}

/** What one partition's run gets besides its units. */
export interface RunContext<Row, Task, Result> {
  jobId: string;
  /** The partition's index in its job. */
  index: number;
  /** 1 for the first try, then 2, 3… */
  attempt: number;
  /** What planning recorded (InputPlan.details), or null. */
  details: Record<string, unknown> | null;
  log: KindLogger;
  /** Aborted when the worker shuts down or the job is cancelled: stop at the next safe point and throw. */
  signal: AbortSignal;
  /** Items done so far in this partition (throttled before it reaches the catalog). */
  progress(itemsDone: number): void;
  /** The source database, read by a role that can only read. */
  source(): pg.Pool;
  /**
   * Appends output rows, typed by the kind's declared columns, to the partition's Parquet file (one file per attempt,
   * named so that a rerun replaces, never duplicates; streamed, so memory stays flat).
   */
  write(rows: Row | readonly Row[]): Promise<void>;
  /** Runs the kind's `compute` on one of the worker's CPU threads (`cpu: true`), or inline otherwise. */
  compute(task: Task): Promise<Result>;
  /** A file of the partition's own making (several per partition, own Parquet options), numbered from 0. */
  openFile(file: number): FileUpload;
}

/** What a run may report besides the rows written with `ctx.write`. */
export interface RunResult {
  /** Files written through `ctx.openFile`, with their rows and bytes. */
  files?: FileView[];
  /** The partition read a snapshot of its own instead of the job's (the job's was gone). */
  ownSnapshot?: boolean;
}
