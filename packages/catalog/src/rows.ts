import type {
  DatasetVersion,
  ErrorInfo,
  FileView,
  ManifestColumn,
  JobStatus,
  JobSummary,
  JobView,
  PartitionStatus,
  PartitionView,
} from '@partita/contracts';
import { computeTimings, jobTimings } from './timings.js';

/** Row shapes as node-postgres returns them (bigint columns arrive as strings). */
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

/**
 * A job as the catalog holds it: its view, and what only the platform reads (its planner's details, the columns of
 * its files). The API shows the view with the kind's own fields (see the master's job views).
 */
export interface JobRecord extends JobView {
  /** Its partition queue (jobs from before kinds had versions: `partitions-<kind>`). */
  queue: string;
  details: Record<string, unknown> | null;
  columns: ManifestColumn[] | null;
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

/** Partition counts of one job, aggregated in SQL for the list view. */
export interface JobCounts {
  done: number;
  succeeded: number;
  failed: number;
  running: number;
  items_done: string;
  sum_run_ms: number | null;
  workers: number;
}

const planMs = (job: JobRow): number | null => (job.enqueued_at ? job.enqueued_at.getTime() - job.created_at.getTime() : null);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const num = (v: string | null): number | null => (v === null ? null : Number(v));

export function toPartitionView(row: PartitionRow): PartitionView {
  return {
    index: row.idx,
    status: row.status,
    items: row.items,
    itemsDone: row.items_done,
    estimatedCost: row.estimated_cost,
    attempts: row.attempts,
    workerId: row.worker_id,
    enqueuedAt: iso(row.enqueued_at),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    queueWaitMs: row.queue_wait_ms,
    runMs: row.run_ms,
    rows: num(row.rows),
    bytes: num(row.bytes),
    files: row.files,
    ownSnapshot: row.own_snapshot,
    error: row.error,
  };
}

export function toJobView(job: JobRow, partitions: readonly PartitionRow[]): JobRecord {
  const views = partitions.map(toPartitionView);
  const ended = views.filter((p) => p.status === 'succeeded' || p.status === 'failed' || p.status === 'cancelled');
  const dataset = (job.spec['dataset'] as JobView['dataset'] | undefined) ?? null;
  return {
    id: job.id,
    kind: job.kind,
    kindVersion: job.kind_version,
    status: job.status,
    createdAt: job.created_at.toISOString(),
    startedAt: iso(job.started_at),
    finishedAt: iso(job.finished_at),
    progress: {
      done: ended.length,
      total: job.partitions_total,
      succeeded: views.filter((p) => p.status === 'succeeded').length,
      failed: views.filter((p) => p.status === 'failed').length,
      running: views.filter((p) => p.status === 'running').length,
      itemsDone: partitions.reduce((a, p) => a + p.items_done, 0),
      itemsTotal: Number(job.items_total),
      itemNoun: job.item_noun,
    },
    timings: computeTimings({ createdAt: job.created_at, finishedAt: job.finished_at, planMs: planMs(job) }, views),
    error: job.error,
    spec: job.spec,
    output: { container: job.output.container, prefix: job.output.prefix, manifest: job.manifest_path },
    dataset,
    extract: null,
    warnings: job.warnings,
    maxConcurrency: job.max_concurrency,
    partitions: views,
    queue: job.queue ?? `partitions-${job.kind}`,
    details: job.details,
    columns: job.columns,
  };
}

export function toDatasetVersion(row: DatasetRow): DatasetVersion {
  return {
    name: row.name,
    version: row.version,
    jobId: row.job_id,
    kind: row.kind,
    description: row.description,
    tags: row.tags,
    container: row.container,
    manifest: row.manifest_path,
    files: row.files,
    rows: Number(row.rows),
    bytes: Number(row.bytes),
    schema: row.schema,
    createdAt: row.created_at.toISOString(),
  };
}

/** The list view: timings from SQL aggregates (no per-partition medians). */
export function toJobSummary(job: JobRow, counts: JobCounts, now: Date = new Date()): JobSummary {
  return {
    id: job.id,
    kind: job.kind,
    kindVersion: job.kind_version,
    status: job.status,
    createdAt: job.created_at.toISOString(),
    finishedAt: iso(job.finished_at),
    progress: {
      done: counts.done,
      total: job.partitions_total,
      succeeded: counts.succeeded,
      failed: counts.failed,
      running: counts.running,
      itemsDone: Number(counts.items_done),
      itemsTotal: Number(job.items_total),
      itemNoun: job.item_noun,
    },
    timings: jobTimings(
      { createdAt: job.created_at, finishedAt: job.finished_at, planMs: planMs(job) },
      { sumPartitionMs: counts.sum_run_ms ?? 0, workers: counts.workers, queueWaitMedianMs: null, runMedianMs: null, runMaxMs: null },
      now,
    ),
    error: job.error,
  };
}
