import { z } from 'zod';

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatus>;
export const PartitionStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type PartitionStatus = z.infer<typeof PartitionStatus>;
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export const ErrorInfo = z.object({
  message: z.string(),
  code: z.string().optional(),
  retryable: z.boolean().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

const Timestamp = z.string().nullable();

/** One Parquet file a partition wrote. */
export const FileView = z.object({ path: z.string(), rows: z.int(), bytes: z.int() });
export type FileView = z.infer<typeof FileView>;

export const PartitionView = z.object({
  index: z.int(),
  status: PartitionStatus,
  /** Groups (travel) or rows (extract) in this partition. */
  items: z.int(),
  /** Items done by the current attempt (all of them once succeeded). */
  itemsDone: z.int(),
  /** The planner's estimate of the partition's work, in relative units. */
  estimatedCost: z.number(),
  attempts: z.int(),
  workerId: z.string().nullable(),
  enqueuedAt: Timestamp,
  startedAt: Timestamp,
  finishedAt: Timestamp,
  /** From becoming available on the queue to a worker starting its last attempt. */
  queueWaitMs: z.number().nullable(),
  /** Run time of the last attempt. */
  runMs: z.number().nullable(),
  rows: z.int().nullable(),
  bytes: z.int().nullable(),
  /** The files the last successful attempt wrote, with their rows and bytes. */
  files: z.array(FileView),
  /** Extracts: the chunk read a snapshot of its own, not the job's (see ExtractView.snapshot). */
  ownSnapshot: z.boolean(),
  error: ErrorInfo.nullable(),
});
export type PartitionView = z.infer<typeof PartitionView>;

export const Timings = z.object({
  /** From submit to the job's end (or to now while it runs). */
  wallMs: z.number(),
  /** Sum of partition run times: what the job would take in one sequential process. */
  sumPartitionMs: z.number(),
  /** sumPartitionMs / wallMs. */
  speedup: z.number(),
  /** Distinct workers that ran partitions. */
  workers: z.int(),
  /** speedup / workers. */
  efficiency: z.number(),
  /** From submit to the last partition enqueued. */
  planMs: z.number().nullable(),
  queueWaitMedianMs: z.number().nullable(),
  runMedianMs: z.number().nullable(),
  runMaxMs: z.number().nullable(),
});
export type Timings = z.infer<typeof Timings>;

export const Progress = z.object({
  /** Partitions ended (succeeded, failed or cancelled). */
  done: z.int(),
  total: z.int(),
  succeeded: z.int(),
  failed: z.int(),
  running: z.int(),
  /** Items (the kind's units: groups, rows…) done, and in all. */
  itemsDone: z.int(),
  itemsTotal: z.int(),
  /** What the items are, plural, as the kind names them: `groups`, `rows`, `partitions`. */
  itemNoun: z.string(),
});
export type Progress = z.infer<typeof Progress>;

export const OutputView = z.object({
  container: z.string(),
  prefix: z.string(),
  /** Blob path of `_manifest.json`, once the job succeeded. */
  manifest: z.string().nullable(),
});

export const JobSummary = z.object({
  id: z.uuid(),
  kind: z.string(),
  /** The version of the kind that planned it; null for jobs from before kinds had versions. */
  kindVersion: z.string().nullable(),
  status: JobStatus,
  createdAt: z.string(),
  finishedAt: Timestamp,
  progress: Progress,
  timings: Timings,
  error: ErrorInfo.nullable(),
});
export type JobSummary = z.infer<typeof JobSummary>;

/** A column of an extract: its PostgreSQL type and the Parquet type it is written as. */
export const ExtractColumnView = z.object({
  name: z.string(),
  pgType: z.string(),
  parquet: z.string(),
  precision: z.int().optional(),
  scale: z.int().optional(),
  nullable: z.boolean(),
});

export type ExtractColumnView = z.infer<typeof ExtractColumnView>;

/**
 * What the extract planner records in the catalog (`jobs.details`): read back by the workers (column plans, key type)
 * and by the job's status. `C` is the planner's column plan, a superset of ExtractColumnView.
 */
export type ExtractDetails<C extends ExtractColumnView = ExtractColumnView> = {
  /** The source database's name. */
  database: string;
  method: 'quantiles' | 'blocks';
  key: string | null;
  /** The key's type as format_type() prints it (the cast of the chunk bounds); null for block chunks. */
  keyType: string | null;
  estimatedRows: number;
  chunkRows: number[];
  /** Whether `chunkRows` were counted (absent in plans recorded before it existed: estimates). */
  chunkRowsExact?: boolean;
  columns: C[];
  /** The exported snapshot's id; null when none could be exported. */
  snapshot: string | null;
  /** The job succeeds only when its rows written equal the rows counted in the snapshot (the fan-in checks). */
  completeness?: boolean;
  /** Set by the master once it counted the source's rows in the snapshot. */
  sourceRows?: number | null;
  /** Set by the fan-in when the job ends. */
  rowsWritten?: number | null;
};

/** What the master planned for an extract, and what the fan-in checked. */
export const ExtractView = z.object({
  /** The source database's name. */
  database: z.string(),
  /** `quantiles`: key ranges balanced by row count; `blocks`: heap block ranges (no usable key). */
  method: z.enum(['quantiles', 'blocks']),
  key: z.string().nullable(),
  /** Rows the planner counted (or estimated from a sample, for large sources). */
  estimatedRows: z.number(),
  /** Planned rows of each chunk, in chunk order. */
  chunkRows: z.array(z.number()),
  /**
   * True: each chunk's planned rows are the rows it reads in the job's snapshot (counted while planning). False: they
   * are estimates (a sample of a large table, or heap block ranges).
   */
  chunkRowsExact: z.boolean(),
  columns: z.array(ExtractColumnView),
  snapshot: z.object({
    /** The exported snapshot every chunk reads; null when none could be exported. */
    id: z.string().nullable(),
    /**
     * `exported`: every chunk read the job's snapshot (one consistent view). `per-chunk`: some chunks could not (the
     * master that held the snapshot stopped) and read a snapshot of their own; see `note`.
     */
    mode: z.enum(['exported', 'per-chunk']),
    /** Chunks that read their own snapshot. */
    ownSnapshotChunks: z.array(z.int()),
    note: z.string().nullable(),
  }),
  completeness: z.object({
    /** Rows of the source in the job's snapshot; null until counted, or when the snapshot was lost before. */
    sourceRows: z.int().nullable(),
    /** Rows in the files; null until the job ends. */
    rowsWritten: z.int().nullable(),
    /** rowsWritten = sourceRows; null while unknown. */
    complete: z.boolean().nullable(),
  }),
});
export type ExtractView = z.infer<typeof ExtractView>;

export const JobView = JobSummary.extend({
  startedAt: Timestamp,
  spec: z.unknown(),
  output: OutputView,
  dataset: z.object({ name: z.string(), description: z.string(), tags: z.record(z.string(), z.string()) }).nullable(),
  /** sql-extract jobs (the kind's own view of its job): chunking, columns, snapshot and completeness. */
  extract: ExtractView.nullable(),
  /** What was said when the job was accepted: e.g. no live worker serves its kind yet (it waits for one). */
  warnings: z.array(z.string()),
  /**
   * The spec's cap: at most this many partitions on the queue or running at once, the others held until one ends;
   * null without a cap.
   */
  maxConcurrency: z.int().nullable(),
  partitions: z.array(PartitionView),
});
export type JobView = z.infer<typeof JobView>;

export const JobList = z.object({
  items: z.array(JobSummary),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type JobList = z.infer<typeof JobList>;

export const JobAccepted = z.object({ id: z.uuid(), status: JobStatus });

export const ApiError = z.object({
  statusCode: z.int(),
  code: z.string(),
  error: z.string(),
  message: z.string(),
  /** Each offending field and why. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.infer<typeof ApiError>;

/** One version of a registered dataset: the output of one successful job. */
export const DatasetVersion = z.object({
  name: z.string(),
  version: z.int(),
  jobId: z.uuid(),
  kind: z.string(),
  description: z.string(),
  tags: z.record(z.string(), z.string()),
  container: z.string(),
  manifest: z.string(),
  files: z.int(),
  rows: z.int(),
  bytes: z.int(),
  schema: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean() })),
  createdAt: z.string(),
});
export type DatasetVersion = z.infer<typeof DatasetVersion>;

/** `GET /datasets`: every dataset name with its latest version. */
export const DatasetList = z.object({
  items: z.array(DatasetVersion.extend({ versions: z.int() })),
});
export type DatasetList = z.infer<typeof DatasetList>;

/** `GET /datasets/:name`: every version, newest first. */
export const DatasetHistory = z.object({ name: z.string(), versions: z.array(DatasetVersion) });
export type DatasetHistory = z.infer<typeof DatasetHistory>;

const ColumnView = z.object({ name: z.string(), type: z.string(), nullable: z.boolean() });

/** One thing a kind offers beyond its spec schema (a registered program), as its kind describes it. */
export const OfferingView = z.object({
  /** What a job's spec names it by, in the kind's `offerings.field`. */
  name: z.string(),
  version: z.string().optional(),
  description: z.string().optional(),
  /** Short labelled facts, in order (what it runs, its input, its limits); never secrets or environment values. */
  facts: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  /** JSON Schema of what a job gives it (a program's `params`). */
  params: z.record(z.string(), z.unknown()).optional(),
  /** Its output's columns, when they are its own. */
  columns: z.array(ColumnView).optional(),
});
export type OfferingView = z.infer<typeof OfferingView>;

/** A kind's offerings: what they are (`programs`), the spec field that picks one (`program`), and each. */
export const OfferingsView = z.object({ noun: z.string(), field: z.string(), items: z.array(OfferingView) });
export type OfferingsView = z.infer<typeof OfferingsView>;

/** A kind this master serves: what `GET /kinds` lists. */
export const KindView = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  /** What its progress counts, plural. */
  itemNoun: z.string(),
  /** The partition queue of its major. */
  queue: z.string(),
  input: z.object({
    type: z.string(),
    /** The input makes the partitions itself (no `partitions` or `partitioner` in the spec). */
    fixed: z.boolean(),
  }),
  /** Its files' columns; null when they are known only once a job is planned (an extract's). Empty: no files. */
  columns: z.array(ColumnView).nullable(),
  /** Runs CPU-heavy work on the workers' threads. */
  cpu: z.boolean(),
  /** JSON Schema of a job's spec. */
  spec: z.record(z.string(), z.unknown()),
  /** Live workers serving it, and the version each serves. */
  workers: z.array(z.object({ id: z.string(), version: z.string() })),
  /** What it offers beyond its spec, as the master's registry knows it (the `program` kind's programs); absent: nothing. */
  offerings: OfferingsView.optional(),
});
export type KindView = z.infer<typeof KindView>;

export const KindList = z.object({ items: z.array(KindView) });
export type KindList = z.infer<typeof KindList>;
