import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { FINALIZE_QUEUE } from '@partita/contracts';
import { Catalog } from '@partita/catalog';
import { openSourcePool } from '@partita/extract';
import { loadKinds, parseKindModules } from '@partita/kinds';
import { PartitionQueues, closeStarted, createRedis, queueDepth } from '@partita/queue';
import { blobStoreFromSettings } from '@partita/storage';
import { createLogger, createMasterMetrics, type Logger } from '@partita/telemetry';
import { Queue } from 'bullmq';
import { buildApp } from './app.js';
import type { MasterEnv } from './env.js';
import { SnapshotRegistry } from './extract/snapshots.js';
import { FanIn } from './fanin/fan-in.js';
import { finalizeJob } from './fanin/finalizer.js';
import { recoverQueues } from './recovery/queue-recovery.js';
import { PipelineSchedules } from './pipelines/schedules.js';
import { PipelinesService } from './pipelines/service.js';
import { JobsService } from './services/jobs.js';

/** How often the recovery pass compares every open partition's message with the catalog, Redis data loss aside. */
const MESSAGE_COMPARISON_INTERVAL_MS = 60_000;

export interface RunningMaster {
  app: FastifyInstance;
  /** `http://host:port` once listening. */
  url: string;
  catalog: Catalog;
  fanIn: FanIn;
  close(): Promise<void>;
}

/** Wires the master from its configuration: catalog (migrated), queues, blob store, fan-in and the HTTP API. */
export async function startMaster(
  env: MasterEnv,
  log: Logger = createLogger({ name: 'master', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY }),
): Promise<RunningMaster> {
  // The built-in kinds and PARTITA_KINDS' modules: one that cannot be loaded stops the master here.
  const kinds = await loadKinds(parseKindModules(env.PARTITA_KINDS));
  log.info({ kinds: kinds.list().map(({ kind, module }) => ({ name: kind.name, version: kind.version, module })) }, 'kinds loaded');
  // Sources are read as a role that can only read, or the master does not start (ALLOW_PRIVILEGED_SOURCE overrides).
  const sourcePool = await openSourcePool(
    {
      connectionString: env.SOURCE_DATABASE_URL ?? env.DATABASE_URL,
      max: 4,
      application_name: 'partita-master-source',
      // Every statement the master runs on a source is planning: bounded by PLAN_TIMEOUT_MS.
      statement_timeout: env.PLAN_TIMEOUT_MS,
    },
    { catalogSchema: env.CATALOG_SCHEMA, allowPrivileged: env.ALLOW_PRIVILEGED_SOURCE, log },
  );
  const source = (): pg.Pool => sourcePool;

  const catalog = new Catalog({ connectionString: env.DATABASE_URL, schema: env.CATALOG_SCHEMA, applicationName: 'partita-master' });
  await catalog.migrate();
  const producer = createRedis({ url: env.REDIS_URL, role: 'producer' });
  const consumer = createRedis({ url: env.REDIS_URL, role: 'worker' });
  for (const conn of [producer, consumer]) conn.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queues = new PartitionQueues(
    { connection: producer, prefix: env.QUEUE_PREFIX },
    kinds.list().map(({ kind }) => kinds.queueOf(kind)),
  );
  const finalizeQueue = new Queue(FINALIZE_QUEUE, { connection: producer, prefix: env.QUEUE_PREFIX });
  const schedules = new PipelineSchedules({ producer, consumer, prefix: env.QUEUE_PREFIX, log });
  // Partition queues opened later (a job of an older major retried, say) are counted too.
  const allQueues = (): Queue[] => [...queues.all(), finalizeQueue, schedules.queue];
  const metrics = createMasterMetrics({
    kinds: kinds.names,
    queueDepths: async () => Object.fromEntries(await Promise.all(allQueues().map(async (q) => [q.name, await queueDepth(q)] as const))),
  });
  const store = await blobStoreFromSettings(env);

  const snapshots: SnapshotRegistry = new SnapshotRegistry({
    log,
    recordCount: (jobId, rows) => catalog.jobs.mergeDetails(jobId, { sourceRows: rows }),
    source,
    counted: (jobId) =>
      void finalizeJob(jobId, { catalog, kinds, store, log, snapshots, metrics }).catch((err: unknown) =>
        log.warn({ err, jobId }, 'finalise after the count failed; the sweep retries'),
      ),
  });
  const limits = {
    partitions: env.MAX_PARTITIONS_PER_JOB,
    units: env.MAX_GROUPS_PER_JOB,
    rows: env.MAX_ROWS_PER_JOB,
    statementTimeoutMs: env.MAX_STATEMENT_TIMEOUT_MS,
    planTimeoutMs: env.PLAN_TIMEOUT_MS,
    queuedPartitionsPerToken: env.MAX_QUEUED_PARTITIONS_PER_TOKEN,
    openSnapshots: env.MAX_OPEN_SNAPSHOTS,
  };
  const jobs = new JobsService({ catalog, kinds, queues, source, snapshots, limits, log, metrics });
  const jobEnds = catalog.jobEnds();
  await jobEnds.start();
  const pipelines = new PipelinesService({ catalog, jobEnds, jobs, schedules, log, metrics });
  let lastComparison = 0;
  const fanIn = new FanIn({
    catalog,
    kinds,
    store,
    log,
    snapshots,
    metrics,
    connection: consumer,
    prefix: env.QUEUE_PREFIX,
    intervalMs: env.RECONCILE_INTERVAL_MS,
    // One master at a time compares the queue with the catalog; the others skip the pass.
    recover: async () => {
      try {
        await catalog.locks.exclusively('partita.recovery', async () => {
          // Every message compared with the catalog when Redis lost its data (its marker is gone), and once a minute
          // anyway; each pass in between only takes over dead attempts and enqueues unenqueued jobs, so that a queue
          // of 100,000 partitions is not read every few seconds.
          const markerKey = `${env.QUEUE_PREFIX}:recovery-marker`;
          const lost = (await producer.exists(markerKey)) === 0;
          const compareMessages = lost || Date.now() - lastComparison >= MESSAGE_COMPARISON_INTERVAL_MS;
          const report = await recoverQueues({
            compareMessages,
            catalog,
            queues,
            log,
            notEnqueuedAfterMs: Math.max(30_000, 3 * env.RECONCILE_INTERVAL_MS),
            finalize: (jobId) => finalizeJob(jobId, { catalog, kinds, store, log, snapshots, metrics }),
            attemptDeadAfterMs: env.ATTEMPT_DEAD_AFTER_MS,
          });
          if (compareMessages) {
            await producer.set(markerKey, new Date().toISOString());
            lastComparison = Date.now();
          }
          if (report.enqueuedJobs + report.requeued + report.failed + report.takenOver > 0) {
            log.warn({ ...report }, 'queue recovered from the catalog');
          }
        });
      } finally {
        // Pipeline runs a stopped master left half-submitted, and schedulers a Redis flush lost.
        await catalog.locks.exclusively('partita.pipelines', () => pipelines.reconcile());
        await catalog.sessions.deleteExpired();
        // Snapshots this master holds for jobs another master finalised or cancelled.
        const released = await snapshots.releaseEnded((ids) => catalog.jobs.open(ids));
        if (released.length > 0) log.info({ jobs: released }, 'released the snapshots of jobs that ended');
      }
    },
  });
  const readiness = {
    db: new pg.Pool({ connectionString: env.DATABASE_URL, max: 1, application_name: 'partita-master-readiness' }),
    redis: producer.duplicate(),
  };
  readiness.redis.on('error', () => undefined); // the check reports it
  const app = await buildApp({
    catalog,
    jobEnds,
    jobs,
    kinds,
    pipelines,
    log,
    bodyLimit: env.BODY_LIMIT_BYTES,
    metrics: metrics.registry,
    queues: allQueues(),
    auth: {
      API_AUTH: env.API_AUTH,
      API_TOKENS: env.API_TOKENS,
      METRICS_PUBLIC: env.METRICS_PUBLIC,
      SESSION_TTL_SECONDS: env.SESSION_TTL_SECONDS,
    },
    // Readiness asks on connections of its own: a flood of submits keeps the catalog pool and the producer busy, and
    // must not make the master look unready.
    readiness: {
      catalog: async () => void (await readiness.db.query('select 1')),
      queue: async () => void (await readiness.redis.ping()),
    },
  });
  fanIn.start();
  schedules.start((pipeline, firingId) => pipelines.fire(pipeline, firingId));
  const address = await app.listen({ port: env.PORT, host: env.HOST });
  log.info({ address }, 'master listening');

  return {
    app,
    url: address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1'),
    catalog,
    fanIn,
    async close() {
      // Waiters first (GET /jobs/:id?wait=, capped pipeline runs): they answer now instead of holding the close.
      await jobEnds.close();
      await app.close();
      await fanIn.stop();
      await pipelines.close();
      await schedules.close();
      await Promise.all(allQueues().map(closeStarted));
      await snapshots.releaseAll();
      producer.disconnect();
      readiness.redis.disconnect();
      await readiness.db.end();
      consumer.disconnect();
      await sourcePool.end();
      await catalog.close();
    },
  };
}
