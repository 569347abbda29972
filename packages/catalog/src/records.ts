import type { DatasetVersion, ErrorInfo, FileView, JobStatus, ManifestColumn, PartitionStatus, RunTrigger } from '@partita/contracts';

/**
 * Rows as the catalog's tables hold them and node-postgres returns them (bigint columns arrive as strings, exact):
 * what the stores read. The master turns them into the API's views.
 */
export interface JobRow {
  id: string;
  kind: string;
  spec: Record<string, unknown>;
  status: JobStatus;
  created_at: Date;
  enqueued_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  partitions_total: number;
  items_total: string;
  output: { container: string; prefix: string };
  manifest_path: string | null;
  error: ErrorInfo | null;
  details: Record<string, unknown> | null;
  kind_version: string | null;
  queue: string | null;
  item_noun: string;
  columns: ManifestColumn[] | null;
  warnings: string[];
  max_concurrency: number | null;
}

export interface PartitionRow {
  idx: number;
  items: number;
  items_done: number;
  estimated_cost: number;
  status: PartitionStatus;
  attempts: number;
  worker_id: string | null;
  enqueued_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  queue_wait_ms: number | null;
  run_ms: number | null;
  rows: string | null;
  bytes: string | null;
  files: FileView[];
  own_snapshot: boolean;
  error: ErrorInfo | null;
}

/** Partition counts of one job, aggregated in SQL (`JOB_COUNTS`) for lists of jobs. */
export interface JobCounts {
  done: number;
  succeeded: number;
  failed: number;
  running: number;
  items_done: string;
  sum_run_ms: number | null;
  workers: number;
}

/** A job with its partitions, in index order. */
export interface JobWithPartitions {
  job: JobRow;
  partitions: PartitionRow[];
}

/** A job of a list, with its partition counts. */
export type CountedJobRow = JobRow & JobCounts;

export interface DatasetRow {
  job_id: string;
  name: string;
  version: number;
  kind: string;
  description: string;
  tags: Record<string, string>;
  container: string;
  manifest_path: string;
  files: number;
  rows: string;
  bytes: string;
  schema: DatasetVersion['schema'];
  created_at: Date;
}

export interface RunRow {
  id: string;
  pipeline: string;
  category: string | null;
  trigger: RunTrigger;
  created_at: Date;
  cancelled_at: Date | null;
}

/** A pipeline run with each entry's job (null until submitted) and the distinct workers over its partitions. */
export interface RunRecord {
  run: RunRow;
  entries: Array<{ entry: string; dataset: string; job: CountedJobRow | null }>;
  workers: number;
}
