import type { RunRecord } from '@partita/catalog';
import type { JobSummary, PipelineRunView, RunEntryView, RunStatus } from '@partita/contracts';
import { toJobSummary } from './jobs.js';

/** A run's facts, each entry with its job's summary once submitted. */
export interface RunFacts {
  id: string;
  pipeline: string;
  category: string | null;
  trigger: PipelineRunView['trigger'];
  createdAt: Date;
  cancelledAt: Date | null;
  entries: ReadonlyArray<{ entry: string; dataset: string; job: JobSummary | null }>;
  /** Distinct workers over the run's partitions. */
  workers: number;
}

/** A run of the catalog as the API shows it. */
export function runViewOf(record: RunRecord, now: Date = new Date()): PipelineRunView {
  const { run } = record;
  return toRunView(
    {
      id: run.id,
      pipeline: run.pipeline,
      category: run.category,
      trigger: run.trigger,
      createdAt: run.created_at,
      cancelledAt: run.cancelled_at,
      workers: record.workers,
      entries: record.entries.map((e) => ({ entry: e.entry, dataset: e.dataset, job: e.job && toJobSummary(e.job, now) })),
    },
    now,
  );
}

const ACTIVE = new Set(['pending', 'queued', 'running']);

/**
 * A run's status, progress and timings from its entries' jobs: running while any entry waits for its job or any job
 * runs; then failed if any job failed, cancelled if any was cancelled, else succeeded. An entry not yet submitted when
 * the run was cancelled counts as cancelled.
 */
export function toRunView(run: RunFacts, now: Date = new Date()): PipelineRunView {
  const entries: RunEntryView[] = run.entries.map((e) => ({
    entry: e.entry,
    dataset: e.dataset,
    status: e.job ? e.job.status : run.cancelledAt ? 'cancelled' : 'pending',
    job: e.job,
  }));
  const count = (status: RunEntryView['status']) => entries.filter((e) => e.status === status).length;
  const jobs = entries.flatMap((e) => (e.job ? [e.job] : []));
  const active = entries.filter((e) => ACTIVE.has(e.status)).length;
  // A cancel ends the run only through entries it kept from being submitted; after the run ended it changes nothing.
  const neverSubmitted = entries.some((e) => e.job === null);
  const cancelled = neverSubmitted && run.cancelledAt ? run.cancelledAt.toISOString() : null;
  const finishedAt = active > 0 ? null : latest([...jobs.map((j) => j.finishedAt), cancelled], run.createdAt);
  const wallMs = Math.max(0, (finishedAt ? Date.parse(finishedAt) : now.getTime()) - run.createdAt.getTime());
  const sumPartitionMs = jobs.reduce((a, j) => a + j.timings.sumPartitionMs, 0);
  const sum = (f: (j: JobSummary) => number) => jobs.reduce((a, j) => a + f(j), 0);
  return {
    id: run.id,
    pipeline: run.pipeline,
    category: run.category,
    trigger: run.trigger,
    status: runStatus(entries.map((e) => e.status)),
    createdAt: run.createdAt.toISOString(),
    finishedAt,
    progress: {
      entries: {
        total: entries.length,
        pending: count('pending'),
        queued: count('queued'),
        running: count('running'),
        succeeded: count('succeeded'),
        failed: count('failed'),
        cancelled: count('cancelled'),
      },
      partitionsDone: sum((j) => j.progress.done),
      partitionsTotal: sum((j) => j.progress.total),
      itemsDone: sum((j) => j.progress.itemsDone),
      itemsTotal: sum((j) => j.progress.itemsTotal),
    },
    timings: { wallMs, sumPartitionMs, speedup: wallMs > 0 ? sumPartitionMs / wallMs : 0, workers: run.workers },
    entries,
  };
}

function runStatus(statuses: readonly RunEntryView['status'][]): RunStatus {
  if (statuses.some((s) => ACTIVE.has(s))) return statuses.every((s) => s === 'pending' || s === 'queued') ? 'queued' : 'running';
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('cancelled')) return 'cancelled';
  return 'succeeded';
}

/** The latest of ISO timestamps (nulls skipped), or `fallback`. */
function latest(times: ReadonlyArray<string | null>, fallback: Date): string {
  const ms = times.filter((t): t is string => t !== null).map((t) => Date.parse(t));
  return new Date(ms.length > 0 ? Math.max(...ms) : fallback.getTime()).toISOString();
}
