/*
 * Terminology:
 * - job: one submitted request (`POST /jobs`) with an id, a kind, a spec, a status and timings.
 * - kind: what a job does (`travel-plan`): a package written against @partita/sdk, loaded by master and workers.
 * - partition: one unit of work of a job, dispatched as one queue message carrying references only.
 * - plan: the list of partitions the master makes from a spec; pure and deterministic.
 * - worker: a stateless process that takes partitions off the queue and runs the kind's handler.
 * - output: Parquet files under one job-specific blob prefix, plus the manifest that lists exactly the result's files.
 * - catalog: the PostgreSQL tables that hold jobs, partitions and timings; the source of truth.
 */
export {
  BlobPrefix,
  ContainerName,
  DatasetName,
  DatasetSpec,
  MAX_PARTITIONS,
  OutputSpec,
  PartitionerName,
  RetrySpec,
  TableName,
  Tags,
} from './common.js';
export { InlineFlight, InlineGroup, OptimizerSpec, TravelInput, TravelPlanSpec } from './travel.js';
export type { Algorithm, TravelPlanSpecInput } from './travel.js';
export {
  CastSpec,
  ChunkRule,
  ColumnName,
  Compression,
  ExtractOutputSpec,
  ExtractSource,
  MaxRowsPerFile,
  NumericAs,
  QuerySource,
  RowsPerRowGroup,
  SqlExtractSpec,
  StatementTimeoutMs,
  TableSource,
} from './extract.js';
export type { SqlExtractSpecInput } from './extract.js';
export {
  ApplyOutcome,
  ApplyResult,
  Category,
  EffectiveEntry,
  EntryName,
  EntrySettings,
  EntryView,
  MAX_PIPELINE_ENTRIES,
  PipelineApply,
  PipelineBody,
  PipelineDefinition,
  JobTemplate,
  PipelineEntry,
  PipelineEntryBody,
  PipelineList,
  PipelineName,
  PipelineRunList,
  PipelineRunView,
  PipelineSettings,
  PipelineSummary,
  PipelineView,
  RunEntryView,
  RunRequest,
  RunStatus,
  RunTrigger,
  EXTRACT_SETTING_KEYS,
  JOB_SETTING_KEYS,
  SETTING_KEYS,
  SINK_SETTING_KEYS,
  Schedule,
  ScheduleView,
  SettingSource,
  Sink,
  cronProblem,
} from './pipelines.js';
export type { ExtractSettingKey, PipelineDefinitionInput, PipelineEntryInput, SettingKey } from './pipelines.js';
export { ExtractChunk, PartitionPayload, SnapshotId } from './payloads.js';
export {
  ApiError,
  DatasetHistory,
  DatasetList,
  DatasetVersion,
  ErrorInfo,
  ExtractColumnView,
  ExtractView,
  FileView,
  JobAccepted,
  JobList,
  JobStatus,
  JobSummary,
  JobView,
  KindList,
  KindView,
  OfferingView,
  OfferingsView,
  OutputView,
  PartitionStatus,
  PartitionView,
  Progress,
  TERMINAL_JOB_STATUSES,
  Timings,
} from './views.js';
export type { ExtractDetails } from './views.js';
export { Manifest, ManifestColumn } from './manifest.js';
export { ApiScope, SessionView } from './session.js';
export {
  FINALIZE_QUEUE,
  PIPELINE_RUNS_QUEUE,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_LOST_MS,
  partitionMessageId,
  partitionQueueName,
} from './queues.js';
export {
  ConflictError,
  LimitExceededError,
  NotFoundError,
  PartitaError,
  PermanentError,
  PlanTimeoutError,
  TransientError,
  ValidationError,
  coerceError,
  fieldPath,
  pointerKeys,
} from './errors.js';
export { OUTPUT_COLUMN_TYPES, TRAVEL_PLAN_COLUMNS, extractFilePath, manifestPath, partitionFilePath } from './outputs.js';
export type { OutputColumn } from './outputs.js';
export { quoteIdent, quoteLiteral, quoteTableName } from './sql.js';
export { TABLE_NAME_FORMS, parseTableName, quoteTable, tableLabel, tableRef, type TableRef, type TableSpec } from './table-name.js';
export { checkCondition, checkQuery, wrapCondition, wrapQuery, type FunctionCall, type SqlVerdict } from './sql-parse.js';
export { median } from './stats.js';
