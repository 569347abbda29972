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
  file: z.string().nullable(),
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
  /** Groups (travel) or rows (extract) done, and in all. */
  itemsDone: z.int(),
  itemsTotal: z.int(),
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
  status: JobStatus,
  createdAt: z.string(),
  finishedAt: Timestamp,
  progress: Progress,
  timings: Timings,
  error: ErrorInfo.nullable(),
});
export type JobSummary = z.infer<typeof JobSummary>;

export const JobView = JobSummary.extend({
  startedAt: Timestamp,
  spec: z.unknown(),
  output: OutputView,
  dataset: z.object({ name: z.string(), description: z.string(), tags: z.record(z.string(), z.string()) }).nullable(),
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
