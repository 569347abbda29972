export { Catalog } from './catalog.js';
export { JobEnds } from './job-ends.js';
export type { JobRecord } from './rows.js';
export type {
  PartitionEnd,
  ReleasedPartitions,
  PartitionRef,
  CatalogOptions,
  DatasetRecord,
  NewJob,
  NewPartition,
  OpenPartition,
  PartitionResult,
  StartResult,
  StartedPartition,
} from './catalog.js';
export { migrate } from './migrate.js';
export { PipelineStore } from './pipelines.js';
export { SessionStore, type SessionRecord } from './sessions.js';
export type { NewRun, PipelineSummaryRow, StoredPipeline } from './pipelines.js';
export { toRunView } from './run-view.js';
export type { RunFacts } from './run-view.js';
export { computeTimings, median } from './timings.js';
