import { performance } from 'node:perf_hooks';
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import { HEARTBEAT_INTERVAL_MS, PartitaError, PartitionPayload, coerceError, type ErrorInfo } from '@partita/contracts';
import type { Catalog, PartitionEnd, PartitionRef, ReleasedPartitions } from '@partita/catalog';
import { enqueueRecorded, type PartitionQueues } from '@partita/queue';
import type { Logger, WorkerMetrics } from '@partita/telemetry';
import { Batcher } from './batcher.js';
import { runKind, type HandlerResult, type RunKindDeps } from './run-kind.js';

export interface ProcessorDeps extends RunKindDeps {
  catalog: Catalog;
  /** Names the worker on every line. */
  log: Logger;
  workerId: string;
  /** Where the worker that ends a job's last partition asks the master to finalise it. */
  finalizeQueue: Queue<{ jobId: string }>;
  /** Where the held partitions of a capped job go when a partition's end releases them. */
  partitionQueues: PartitionQueues;
  metrics: WorkerMetrics;
}

export type ProcessOutcome = ({ status: 'done' } & HandlerResult) | { status: 'skipped'; reason: string };

/**
 * Runs one queue message: claims the attempt in the catalog, runs the kind's handler, records the result, and asks
 * for fan-in when this was the job's last open partition. Errors say whether a retry helps: a permanent one fails
 * the partition at once (UnrecoverableError), a transient one is retried with backoff until the attempts run out.
 */
export function createProcessor(deps: ProcessorDeps): (job: Job<PartitionPayload>, token?: string) => Promise<ProcessOutcome> {
  const { catalog, log, workerId, metrics } = deps;
  // Partitions that start or succeed together share one catalog transaction: what keeps short partitions cheap.
  const starts = new Batcher((refs: PartitionRef[]) => catalog.partitions.start(refs, workerId));
  const completions = new Batcher((ends: PartitionEnd[]) => catalog.partitions.succeed(ends));
  return async (job, token) => {
    const parsed = PartitionPayload.safeParse(job.data);
    if (!parsed.success) {
      log.error({ messageId: job.id, issues: parsed.error.issues }, 'malformed partition message dropped');
      throw new UnrecoverableError(`malformed partition message: ${parsed.error.message}`);
    }
    const payload = parsed.data;
    const kindDef = deps.kinds.get(payload.kind);
    if (!kindDef) {
      log.error({ messageId: job.id, kind: payload.kind }, 'partition of a kind this worker does not serve dropped');
      throw new UnrecoverableError(`kind ${payload.kind} is not served by worker ${workerId}`);
    }
    const plog = log.child({ jobId: payload.jobId, partition: payload.index });
    const started = await starts.submit({ jobId: payload.jobId, index: payload.index });
    if ('skip' in started) {
      plog.info({ reason: started.skip }, 'partition skipped');
      return { status: 'skipped', reason: started.skip };
    }
    const { attempt, spec, output, details } = started.run;
    const kind = { kind: payload.kind };
    plog.info({ attempt }, 'partition started');
    metrics.partitionsStarted.inc(kind);
    if (job.attemptsMade === 0 && job.processedOn) {
      metrics.partitionQueueWait.observe(kind, Math.max(0, job.processedOn - job.timestamp - (job.opts.delay ?? 0)) / 1000);
    }
    const releaseSlot = metrics.occupySlot();
    // The catalog hears from a live attempt even when its queue message is gone (Redis lost it): see queue recovery.
    const current = { jobId: payload.jobId, index: payload.index, attempt };
    const beat = setInterval(() => void catalog.partitions.heartbeat(current).catch(() => undefined), HEARTBEAT_INTERVAL_MS);
    const t0 = performance.now();
    let lastProgress = 0;
    try {
      const result = await runKind(kindDef, payload, { spec, details, output, attempt }, deps, plog, (itemsDone) => {
        const now = performance.now();
        if (now - lastProgress < 500) return;
        lastProgress = now;
        job.updateProgress({ itemsDone }).catch(() => undefined);
        catalog.partitions.reportProgress(current, itemsDone).catch(() => undefined);
      });
      const runMs = performance.now() - t0;
      const ended = await completions.submit({ ...current, result: { ...result, runMs } });
      const rows = result.files.reduce((a, f) => a + f.rows, 0);
      const bytes = result.files.reduce((a, f) => a + f.bytes, 0);
      if (ended.recorded) {
        metrics.partitionsFinished.inc({ ...kind, outcome: 'succeeded' });
        metrics.partitionRun.observe(kind, runMs / 1000);
        metrics.rowsWritten.inc(kind, rows);
        metrics.bytesWritten.inc(kind, bytes);
      }
      plog.info(
        { attempt, runMs: Math.round(runMs), files: result.files.length, rows, bytes, recorded: ended.recorded },
        'partition succeeded',
      );
      if (ended.released) await enqueueReleased(deps, ended.released);
      if (ended.jobComplete) await requestFinalize(deps.finalizeQueue, payload.jobId);
      return { status: 'done', ...result };
    } catch (thrown) {
      const err = coerceError(thrown);
      const runMs = performance.now() - t0;
      const handedBack = deps.signal.aborted;
      const retryable = handedBack || !(err instanceof PartitaError) || err.retryable;
      const info: ErrorInfo = {
        message: err.message,
        code: err instanceof PartitaError ? err.code : 'PARTITA_ERR_HANDLER',
        retryable,
      };
      // The catalog counts the partition's failures and says whether this one was its last.
      const ended = await catalog.partitions.fail({ ...current, error: info, handedBack, maxAttempts: job.opts.attempts ?? 1, runMs });
      const final = ended.final;
      plog.warn({ err, attempt, final, handedBack }, 'partition attempt failed');
      if (final && ended.recorded) metrics.partitionsFinished.inc({ ...kind, outcome: 'failed' });
      else if (!handedBack && ended.recorded) metrics.partitionsRetried.inc(kind);
      if (ended.released) await enqueueReleased(deps, ended.released);
      if (final && ended.jobComplete) await requestFinalize(deps.finalizeQueue, payload.jobId);
      if (handedBack && token) {
        // Shutting down: back on the queue at once, without spending one of the partition's attempts.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (final || !ended.recorded) throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      clearInterval(beat);
      releaseSlot();
    }
  };
}

/**
 * Enqueues the partitions a capped job released. Should this fail (Redis away), the catalog already counts them as
 * queued: the master's queue recovery puts their messages back.
 */
async function enqueueReleased(deps: ProcessorDeps, released: ReleasedPartitions): Promise<void> {
  await enqueueRecorded(deps.partitionQueues.get(released.queue), released).catch((err: unknown) =>
    deps.log.warn({ err, jobId: released.jobId }, 'released partitions not enqueued; queue recovery puts them back'),
  );
}

async function requestFinalize(queue: Queue<{ jobId: string }>, jobId: string): Promise<void> {
  await queue.add(
    'finalize',
    { jobId },
    {
      jobId: `finalize.${jobId}`,
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 86_400 },
    },
  );
}
