export { Catalog, type CatalogOptions } from './catalog.js';
export { JobEnds } from './job-ends.js';
export { migrate } from './migrate.js';
export type { CountedJobRow, DatasetRow, JobCounts, JobRow, JobWithPartitions, PartitionRow, RunRecord, RunRow } from './records.js';
export type { Cancelled, JobOutcome, JobPage, NewFailedJob, NewJob, NewPartition } from './jobs/store.js';
export type {
  AttemptEnded,
  AttemptFailure,
  AttemptRef,
  PartitionEnd,
  PartitionRef,
  PartitionResult,
  StartedPartition,
  StartResult,
} from './partitions/store.js';
export type { ReleasedPartitions } from './partitions/ending.js';
export type { JobMessages, OpenPartition, TakenBack } from './recovery/store.js';
export type { DatasetRecord } from './datasets/store.js';
export type { LiveWorker, ServedKind } from './workers/store.js';
export type { PipelineSummaryRow, StoredPipeline } from './pipelines/definitions.js';
export type { NewRun, RunPage } from './pipelines/runs.js';
export type { SessionRecord } from './sessions/store.js';
