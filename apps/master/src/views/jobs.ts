import type { Catalog, CountedJobRow, DatasetRow, JobRow, JobWithPartitions, PartitionRow } from '@partita/catalog';
import type { DatasetList, DatasetVersion, JobSummary, JobView, ManifestColumn, PartitionView } from '@partita/contracts';
import { computeTimings, jobTimings } from './timings.js';

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

/** A job of the catalog as the API shows it (before its kind adds its own fields), with what only the platform reads. */
export function toJobRecord({ job, partitions }: JobWithPartitions): JobRecord {
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

/** Every dataset's latest version with its number of versions (`GET /datasets`). */
export function toDatasetList(rows: ReadonlyArray<DatasetRow & { versions: number }>): DatasetList {
  return { items: rows.map((r) => ({ ...toDatasetVersion(r), versions: r.versions })) };
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
export function toJobSummary(job: CountedJobRow, now: Date = new Date()): JobSummary {
  return {
    id: job.id,
    kind: job.kind,
    kindVersion: job.kind_version,
    status: job.status,
    createdAt: job.created_at.toISOString(),
    finishedAt: iso(job.finished_at),
    progress: {
      done: job.done,
      total: job.partitions_total,
      succeeded: job.succeeded,
      failed: job.failed,
      running: job.running,
      itemsDone: Number(job.items_done),
      itemsTotal: Number(job.items_total),
      itemNoun: job.item_noun,
    },
    timings: jobTimings(
      { createdAt: job.created_at, finishedAt: job.finished_at, planMs: planMs(job) },
      { sumPartitionMs: job.sum_run_ms ?? 0, workers: job.workers, queueWaitMedianMs: null, runMedianMs: null, runMaxMs: null },
      now,
    ),
    error: job.error,
  };
}

/** A job read from the catalog with its partitions, as a record; null for an unknown job. */
export async function loadJob(catalog: Catalog, id: string): Promise<JobRecord | null> {
  const found = await catalog.jobs.get(id);
  return found && toJobRecord(found);
}
