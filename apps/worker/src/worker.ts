import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import { FINALIZE_QUEUE, HEARTBEAT_INTERVAL_MS, type PartitionPayload } from '@partita/contracts';
import { Catalog } from '@partita/catalog';
import { openSourcePool } from '@partita/extract';
import { KindLoadError, KindRegistry, loadKinds, parseKindModules } from '@partita/kinds';
import { PartitionQueues, closeStarted, createRedis } from '@partita/queue';
import { encodeParquet, PARQUET_TYPES } from '@partita/parquet';
import { blobStoreFromSettings, type BlobStore } from '@partita/storage';
import { createLogger, createWorkerMetrics, type Logger } from '@partita/telemetry';
import type { WorkerEnv } from './env.js';
import { startHealthServer } from './health-server.js';
import { createComputePool } from './cpu/compute-pool.js';
import { createProcessor, type ProcessOutcome } from './processor.js';

export interface RunningWorker {
  id: string;
  /** Port of /healthz and /metrics, or null when disabled. */
  httpPort: number | null;
  /** Stops taking partitions, lets running ones finish within the grace period, then aborts and hands them back. */
  close(): Promise<void>;
}

/**
 * What every partition's output goes through, run once before the first partition: the Parquet writer's code, and the
 * blob store's client with its first connection (a HEAD of a name that does not exist).
 */
async function warmOutputPath(store: BlobStore): Promise<void> {
  const columns = PARQUET_TYPES.filter((t) => t !== 'DECIMAL').map((type) => ({ name: type.toLowerCase(), type, nullable: true }));
  await encodeParquet(columns, [{}, {}]);
  await store.exists('partita-warm-up', 'warm-up').catch(() => false);
}

/** Starts a worker: one BullMQ consumer per kind it takes, sharing the catalog, the blob store and the concurrency. */
export async function startWorker(
  env: WorkerEnv,
  logger: Logger = createLogger({ name: 'worker', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY }),
): Promise<RunningWorker> {
  // Every line this worker logs names it; partition lines add the job and the partition.
  const log = logger.child({ workerId: env.WORKER_ID });
  // The built-in kinds and PARTITA_KINDS' modules, narrowed to WORKER_KINDS: one that cannot be loaded stops it here.
  const kinds = served(await loadKinds(parseKindModules(env.PARTITA_KINDS)), env.WORKER_KINDS);
  const servedKinds = kinds.list().map(({ kind }) => ({ name: kind.name, version: kind.version }));
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
  await warmOutputPath(store);
  const connection = createRedis({ url: env.REDIS_URL, role: 'worker' });
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const finalizeQueue = new Queue<{ jobId: string }>(FINALIZE_QUEUE, { connection, prefix: env.QUEUE_PREFIX });
  finalizeQueue.on('error', (err) => log.warn({ err: err.message }, 'finalize queue error'));
  const partitionQueues = new PartitionQueues({ prefix: env.QUEUE_PREFIX, connection });
  const abort = new AbortController();
  // Each kind's consumer runs up to WORKER_CONCURRENCY partitions.
  const metrics = createWorkerMetrics({ kinds: kinds.names, slots: env.WORKER_CONCURRENCY * kinds.names.length });
  // One CPU thread per partition of a `cpu` kind this worker may run at once; none when it serves no such kind.
  const cpuKinds = kinds.list().filter(({ kind }) => kind.cpu).length;
  const cpu = cpuKinds > 0 ? createComputePool(env.WORKER_CONCURRENCY * cpuKinds) : null;
  // Every CPU thread started, its kinds' modules loaded and their warm-up tasks run before the first partition.
  if (cpu) {
    const started = performance.now();
    await cpu.warm(
      kinds
        .list()
        .flatMap(({ kind, module }) =>
          !kind.cpu
            ? []
            : kind.warmUp
              ? kind.warmUp().map((task) => ({ module, kind: kind.name, task }))
              : [{ module, kind: kind.name, task: null, loadOnly: true }],
        ),
    );
    log.info({ threads: env.WORKER_CONCURRENCY * cpuKinds, ms: Math.round(performance.now() - started) }, 'CPU threads warmed up');
  }
  const processor = createProcessor({
    catalog,
    store,
    source,
    log,
    workerId: env.WORKER_ID,
    finalizeQueue,
    partitionQueues,
    signal: abort.signal,
    kinds,
    cpu,
    metrics,
  });

  const workers = kinds.list().map(({ kind }) => {
    const w = new Worker<PartitionPayload, ProcessOutcome>(kinds.queueOf(kind), processor, {
      connection,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      lockDuration: env.LOCK_DURATION_MS,
      // Partitions of a dead worker are looked for as often as a lock can expire.
      stalledInterval: env.LOCK_DURATION_MS,
      maxStalledCount: 2,
    });
    w.on('error', (err) => log.error({ err, kind: kind.name }, 'worker error'));
    return w;
  });
  // Ready means listening: every queue's connection is up before the worker says it started.
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  // The catalog knows which kinds (and versions) live workers serve: GET /kinds, and a submit's warning when none does.
  await catalog.workers.seen(env.WORKER_ID, servedKinds);
  const seen = setInterval(
    () =>
      void catalog.workers
        .seen(env.WORKER_ID, servedKinds)
        .catch((err: unknown) => log.warn({ err }, 'could not record this worker as alive')),
    HEARTBEAT_INTERVAL_MS,
  );
  seen.unref();

  let draining = false;
  const health =
    env.WORKER_HTTP_PORT >= 0
      ? await startHealthServer(env.WORKER_HTTP_PORT, () => !draining, metrics.registry, env.WORKER_HTTP_HOST)
      : null;
  log.info(
    { kinds: servedKinds, concurrency: env.WORKER_CONCURRENCY, httpPort: health?.port ?? null, httpHost: health?.host ?? null },
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
      clearInterval(seen);
      await catalog.workers.gone(env.WORKER_ID).catch(() => undefined);
      await cpu?.close();
      await closeStarted(finalizeQueue);
      await partitionQueues.close();
      connection.disconnect();
      await sourcePool.end();
      await catalog.close();
      await new Promise<void>((resolve) => (health ? health.server.close(() => resolve()) : resolve()));
      log.info('worker stopped');
    },
  };
}

/** The registry narrowed to WORKER_KINDS (empty: every kind); a name it does not know stops the worker. */
function served(all: KindRegistry, names: readonly string[]): KindRegistry {
  if (names.length === 0) return all;
  const unknown = names.filter((n) => !all.get(n));
  if (unknown.length > 0) {
    throw new KindLoadError(`WORKER_KINDS: unknown kind ${unknown.join(', ')}: this worker knows ${all.names.join(', ')}`);
  }
  return new KindRegistry(all.list().filter(({ kind }) => names.includes(kind.name)));
}
