import { manifestPath, type ErrorInfo, type JobView, type Timings } from '@partita/contracts';
import type { Catalog } from '@partita/catalog';
import type { KindRegistry } from '@partita/kinds';
import type { BlobStore } from '@partita/storage';
import type { Logger, MasterMetrics } from '@partita/telemetry';
import type { SnapshotRegistry } from '../extract/snapshots.js';
import { loadJob } from '../views/jobs.js';
import { computeTimings } from '../views/timings.js';
import { buildManifest } from './manifest.js';

export interface FinalizerDeps {
  catalog: Catalog;
  /** The kinds this master knows: a kind's own manifest fields. */
  kinds?: KindRegistry;
  store: BlobStore;
  log: Logger;
  /** Extracts' snapshots held by this master: a job ends only once its rows in the snapshot are counted. */
  snapshots?: Pick<SnapshotRegistry, 'countPending' | 'release'>;
  /** Counts ended jobs, their wall time and speed-up. */
  metrics?: Pick<MasterMetrics, 'jobsFinished' | 'jobDuration' | 'jobSpeedup' | 'jobEfficiency'>;
}

/**
 * Fan-in: ends a job whose partitions have all ended. Succeeded: the manifest is written last, naming exactly the
 * result's files, then the job and its dataset are recorded. A failed partition fails the job with its error.
 * Safe to call any number of times, from any number of masters: only the first call that finds the job open ends it.
 */
export async function finalizeJob(jobId: string, deps: FinalizerDeps): Promise<'succeeded' | 'failed' | 'not-ready' | 'ended'> {
  const ended = await endJob(jobId, deps);
  if (ended === 'not-ready') return ended;
  await deps.snapshots?.release(jobId);
  if (ended === 'ended') return ended;
  const { outcome, kind, timings } = ended;
  if (deps.metrics) {
    deps.metrics.jobsFinished.inc({ kind, outcome });
    deps.metrics.jobDuration.observe({ kind, outcome }, timings.wallMs / 1000);
    if (outcome === 'succeeded') {
      deps.metrics.jobSpeedup.set({ kind }, timings.speedup);
      deps.metrics.jobEfficiency.set({ kind }, timings.efficiency);
    }
  }
  return outcome;
}

/** How this call ended the job, or why it did not. */
type EndResult = 'not-ready' | 'ended' | { outcome: 'succeeded' | 'failed'; kind: string; timings: Timings };

async function endJob(jobId: string, deps: FinalizerDeps): Promise<EndResult> {
  const { catalog, store, log } = deps;
  let job = await loadJob(catalog, jobId);
  if (!job || (job.status !== 'queued' && job.status !== 'running')) return 'ended';
  if (job.partitions.some((p) => p.status === 'queued' || p.status === 'running')) return 'not-ready';

  const finishedAt = await catalog.now();
  const failed = job.partitions.filter((p) => p.status === 'failed');
  if (failed.length > 0) {
    const first = failed[0]!;
    const error: ErrorInfo = {
      message:
        `${failed.length} of ${job.partitions.length} partitions failed (${failed.map((p) => p.index).join(', ')}); ` +
        `partition ${first.index} after ${first.attempts} attempts: ${first.error?.message ?? 'unknown error'}`,
      code: first.error?.code ?? 'PARTITA_ERR_PARTITION_FAILED',
      retryable: first.error?.retryable ?? false,
    };
    const ended = await catalog.jobs.finish(jobId, { status: 'failed', finishedAt, error });
    if (ended) log.warn({ jobId, failed: failed.map((p) => p.index) }, 'job failed');
    return ended ? failedResult(job, finishedAt) : 'ended';
  }

  const details = job.details;
  if (details?.['completeness'] === true) {
    // Completeness is checked, not assumed: the rows in the files must be the rows in the job's snapshot.
    const sourceRows = (details['sourceRows'] as number | undefined) ?? null;
    const pending = await deps.snapshots?.countPending(jobId, {
      snapshotId: (details['snapshot'] as string | null | undefined) ?? null,
      sourceRows,
    });
    if (pending) return 'not-ready';
    const rowsWritten = job.partitions.reduce((a, p) => a + (p.rows ?? 0), 0);
    await catalog.jobs.mergeDetails(jobId, { rowsWritten });
    job = { ...job, details: { ...details, rowsWritten } };
    if (sourceRows !== null && sourceRows !== rowsWritten) {
      const error: ErrorInfo = {
        message: `completeness check failed: ${rowsWritten} rows written, but the snapshot holds ${sourceRows} rows`,
        code: 'PARTITA_ERR_INCOMPLETE',
        retryable: false,
      };
      const ended = await catalog.jobs.finish(jobId, { status: 'failed', finishedAt, error });
      if (ended) log.error({ jobId, rowsWritten, sourceRows }, 'extract incomplete; job failed');
      return ended ? failedResult(job, finishedAt) : 'ended';
    }
  }

  const timings = computeTimings({ createdAt: new Date(job.createdAt), finishedAt, planMs: job.timings.planMs }, job.partitions);
  const manifest = buildManifest({ ...job, timings }, finishedAt, deps.kinds?.get(job.kind));
  const path = manifestPath(job.output.prefix, job.id);
  // A job without files (noop) has not created its container: the manifest is its first blob.
  if (manifest.files.length === 0) await store.ensureContainer(job.output.container);
  await removeLeftovers(store, job.output.container, path, new Set(manifest.files.map((f) => f.path)), log);
  await store.put(job.output.container, path, Buffer.from(JSON.stringify(manifest, null, 2)), { contentType: 'application/json' });
  const ended = await catalog.jobs.finish(jobId, {
    status: 'succeeded',
    finishedAt,
    manifestPath: path,
    dataset: {
      ...manifest.dataset,
      kind: job.kind,
      schema: manifest.schema,
      container: job.output.container,
      manifestPath: path,
      files: manifest.files.length,
      rows: manifest.rows,
      bytes: manifest.bytes,
    },
  });
  if (ended) {
    const t = manifest.timings;
    log.info({ jobId, wallMs: t.wallMs, sumPartitionMs: t.sumPartitionMs, speedup: t.speedup, rows: manifest.rows }, 'job succeeded');
  }
  return ended ? { outcome: 'succeeded', kind: job.kind, timings: manifest.timings } : 'ended';
}

function failedResult(job: JobView, finishedAt: Date): EndResult {
  const timings = computeTimings({ createdAt: new Date(job.createdAt), finishedAt, planMs: job.timings.planMs }, job.partitions);
  return { outcome: 'failed', kind: job.kind, timings };
}

/**
 * Deletes what abandoned attempts left in the job's directory (their files carry their attempt number), so that the
 * directory holds exactly the manifest and the files it names. A leftover that cannot be deleted is only logged: the
 * manifest, not the directory listing, defines the result.
 */
async function removeLeftovers(
  store: BlobStore,
  container: string,
  manifest: string,
  keep: ReadonlySet<string>,
  log: Logger,
): Promise<void> {
  const dir = manifest.slice(0, manifest.lastIndexOf('/') + 1);
  // Uncommitted blobs too: blocks an attempt killed mid-upload staged and never committed.
  const leftovers = (await store.list(container, dir, { uncommitted: true })).filter((b) => b.path !== manifest && !keep.has(b.path));
  for (const blob of leftovers) {
    await store
      .delete(container, blob.path)
      .catch((err: unknown) => log.warn({ err, path: blob.path }, 'could not delete a leftover file'));
  }
  if (leftovers.length > 0) log.info({ container, dir, files: leftovers.length }, 'leftovers of abandoned attempts deleted');
}
