import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import { FINALIZE_QUEUE, partitionQueueName, type PartitionPayload } from '@partita/contracts';
import { Catalog } from '@partita/catalog';
import { openSourcePool } from '@partita/extract';
import { createRedis } from '@partita/queue';
import { blobStoreFromSettings } from '@partita/storage';
import { createLogger, createWorkerMetrics, type Logger } from '@partita/telemetry';
import type { WorkerEnv } from './env.js';
import { startHealthServer } from './health-server.js';
import { createOptimizerPool } from './handlers/travel-plan/optimizer-pool.js';
import { createProcessor, type ProcessOutcome } from './processor.js';

export interface RunningWorker {
  id: string;
  /** Port of /healthz and /metrics, or null when disabled. */
  httpPort: number | null;
  /** Stops taking partitions, lets running ones finish within the grace period, then aborts and hands them back. */
  close(): Promise<void>;
}

/** Starts a worker: one BullMQ consumer per kind it takes, sharing the catalog, the blob store and the concurrency. */
export async function startWorker(
  env: WorkerEnv,
  logger: Logger = createLogger({ name: 'worker', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY }),
): Promise<RunningWorker> {
  // Every line this worker logs names it; partition lines add the job and the partition.
  const log = logger.child({ workerId: env.WORKER_ID });
  // Sources are read as a role that can only read, or the worker does not start (ALLOW_PRIVILEGED_SOURCE overrides).
  const sourcePool = await openSourcePool(
    {
      connectionString: env.SOURCE_DATABASE_URL ?? env.DATABASE_URL,
      max: env.WORKER_CONCURRENCY,
      application_name: 'partita-worker-source',
    },
    { catalogSchema: env.CATALOG_SCHEMA, allowPrivileged: env.ALLOW_PRIVILEGED_SOURCE, log },
  );
  const source = (): pg.Pool => sourcePool;
  const catalog = new Catalog({
    connectionString: env.DATABASE_URL,
    schema: env.CATALOG_SCHEMA,
    max: env.WORKER_CONCURRENCY + 2,
    applicationName: 'partita-worker',
  });
  await catalog.migrate();
  const store = await blobStoreFromSettings(env);
  const connection = createRedis({ url: env.REDIS_URL, role: 'worker' });
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const finalizeQueue = new Queue<{ jobId: string }>(FINALIZE_QUEUE, { connection, prefix: env.QUEUE_PREFIX });
  finalizeQueue.on('error', (err) => log.warn({ err: err.message }, 'finalize queue error'));
  const abort = new AbortController();
  // Each kind's consumer runs up to WORKER_CONCURRENCY partitions.
  const metrics = createWorkerMetrics({ kinds: env.WORKER_KINDS, slots: env.WORKER_CONCURRENCY * env.WORKER_KINDS.length });
  // One CPU thread per travel partition this worker may run at once.
  const optimizers = createOptimizerPool(env.WORKER_CONCURRENCY);
  const processor = createProcessor({
    catalog,
    store,
    source,
    log,
    workerId: env.WORKER_ID,
    finalizeQueue,
    signal: abort.signal,
    optimizers,
    metrics,
  });

  const workers = env.WORKER_KINDS.map((kind) => {
    const w = new Worker<PartitionPayload, ProcessOutcome>(partitionQueueName(kind), processor, {
      connection,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      lockDuration: env.LOCK_DURATION_MS,
      // Partitions of a dead worker are looked for as often as a lock can expire.
      stalledInterval: env.LOCK_DURATION_MS,
      maxStalledCount: 2,
    });
    w.on('error', (err) => log.error({ err, kind }, 'worker error'));
    return w;
  });

  let draining = false;
  const health =
    env.WORKER_HTTP_PORT >= 0
      ? await startHealthServer(env.WORKER_HTTP_PORT, () => !draining, metrics.registry, env.WORKER_HTTP_HOST)
      : null;
  log.info(
    { kinds: env.WORKER_KINDS, concurrency: env.WORKER_CONCURRENCY, httpPort: health?.port ?? null, httpHost: health?.host ?? null },
    'worker started',
  );

  return {
    id: env.WORKER_ID,
    httpPort: health?.port ?? null,
    async close() {
      if (draining) return;
      draining = true;
      const closing = Promise.all(workers.map((w) => w.close()));
      const grace = setTimeout(() => {
        log.warn({ graceMs: env.SHUTDOWN_TIMEOUT_MS }, 'grace period over: aborting running partitions');
        abort.abort(new Error('worker shutting down'));
      }, env.SHUTDOWN_TIMEOUT_MS);
      await closing;
      clearTimeout(grace);
      await optimizers.close();
      await finalizeQueue.close();
      connection.disconnect();
      await sourcePool.end();
      await catalog.close();
      await new Promise<void>((resolve) => (health ? health.server.close(() => resolve()) : resolve()));
      log.info('worker stopped');
    },
  };
}
