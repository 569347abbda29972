// A Partita deployment for one benchmark: the built master and workers as child processes (each its own process, as
// in production), on a catalog schema, queue prefix and blob container of their own, removed again by stop().
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { TERMINAL_JOB_STATUSES, type JobView } from '@partita/contracts';
import { loadKinds } from '@partita/kinds';
import { LOCAL_READER_ROLE, connectAs, ensureReaderRole } from '@partita/extract';
import { freePort, startNodeProcess, waitUntilReady, type Child } from '@partita/processes';
import { deleteQueuePrefix, waitForWorkers } from '@partita/queue';
import { createAzureBlobStore } from '@partita/storage';

export interface BenchStackOptions {
  workers: number;
  /** Extra environment for every worker (WORKER_CONCURRENCY, WORKER_KINDS, …). */
  workerEnv?: Record<string, string>;
  /** Extra environment for the master. */
  masterEnv?: Record<string, string>;
}

export interface BenchStack {
  /** The blob container every job of this stack should write to. */
  container: string;
  /** The catalog schema (for suites that read the catalog directly). */
  schema: string;
  /** POST /jobs; returns the job id. */
  submit(spec: unknown): Promise<string>;
  getJob(id: string): Promise<JobView>;
  /** Waits until the job ends (the master answers at its end); throws when it did not succeed. */
  waitForJob(id: string, options?: { timeoutMs?: number }): Promise<JobView>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const script = (pkg: string) => join(require.resolve(`${pkg}/package.json`), '..', 'dist', 'main.js');

export async function startBenchStack(
  env: { databaseUrl: string; redisUrl: string; azureConnectionString: string },
  options: BenchStackOptions,
): Promise<BenchStack> {
  const id = randomBytes(4).toString('hex');
  const schema = `bench_${id}`;
  const prefix = `bench-${id}`;
  const container = `bench-${id}`;
  const token = randomBytes(24).toString('base64url');
  const logDir = mkdtempSync(join(tmpdir(), 'partita-bench-'));
  const port = await freePort();
  // Sources are read as a role that can only read (the extract suite grants it its schema).
  const admin = new pg.Client({ connectionString: env.databaseUrl });
  await admin.connect();
  await ensureReaderRole(admin, LOCAL_READER_ROLE, []).finally(() => admin.end());
  const common = {
    DATABASE_URL: env.databaseUrl,
    SOURCE_DATABASE_URL: connectAs(env.databaseUrl, LOCAL_READER_ROLE),
    REDIS_URL: env.redisUrl,
    AZURE_STORAGE_CONNECTION_STRING: env.azureConnectionString,
    CATALOG_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    LOG_PRETTY: 'false',
  };
  const children: Child[] = [];
  const stopChildren = () => Promise.all(children.map((c) => c.stop(10_000)));
  /** Drops what the stack's master and workers created: the catalog schema, the queue keys, the container. */
  const removeState = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      await client.query(`drop schema if exists "${schema}" cascade`);
    } finally {
      await client.end();
    }
    const redis = new Redis(env.redisUrl);
    try {
      await deleteQueuePrefix(redis, prefix);
    } finally {
      redis.disconnect();
    }
    await createAzureBlobStore({ connectionString: env.azureConnectionString }).deleteContainer(container);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${token}` };
  try {
    children.push(
      startNodeProcess(
        'master',
        script('@partita/master'),
        {
          ...common,
          PORT: String(port),
          HOST: '127.0.0.1',
          API_AUTH: 'on',
          API_TOKENS: `bench:admin:${token}`,
          ...options.masterEnv,
        },
        logDir,
      ),
    );
    await waitUntilReady(`${baseUrl}/readyz`, children[0]!);
    for (let i = 0; i < options.workers; i++) {
      children.push(
        startNodeProcess(
          `worker-${i + 1}`,
          script('@partita/worker'),
          { ...common, WORKER_ID: `worker-${i + 1}`, WORKER_HTTP_PORT: '-1', ...options.workerEnv },
          logDir,
        ),
      );
    }
    const kinds = await loadKinds();
    const kind = kinds.require(options.workerEnv?.['WORKER_KINDS']?.split(',')[0] ?? 'travel-plan');
    const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
    try {
      await waitForWorkers(redis, prefix, kinds.queueOf(kind), options.workers, {
        check: () => {
          const dead = children.find((c) => c.process.exitCode !== null);
          if (dead) throw new Error(`${dead.name} exited with ${dead.process.exitCode}`);
        },
      });
    } finally {
      redis.disconnect();
    }
  } catch (err) {
    await stopChildren();
    await removeState();
    throw new Error(`${(err as Error).message} (logs in ${logDir})`);
  }

  const getJob = async (jobId: string, waitSeconds = 0): Promise<JobView> => {
    const res = await fetch(`${baseUrl}/jobs/${jobId}${waitSeconds > 0 ? `?wait=${waitSeconds}` : ''}`, { headers });
    if (res.status !== 200) throw new Error(`GET /jobs/${jobId}: ${res.status} ${await res.text()}`);
    return (await res.json()) as JobView;
  };

  return {
    container,
    schema,
    async submit(spec) {
      const res = await fetch(`${baseUrl}/jobs`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      const body = (await res.json()) as { id?: string };
      if (res.status !== 202 || !body.id) throw new Error(`POST /jobs: ${res.status} ${JSON.stringify(body)}`);
      return body.id;
    },
    getJob,
    async waitForJob(jobId, { timeoutMs = 600_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // The master answers when the job ends (GET /jobs/:id?wait=), so a job's end is seen at once, without polling.
        const wait = Math.max(1, Math.min(25, Math.ceil((deadline - Date.now()) / 1000)));
        const job = await getJob(jobId, wait);
        if (TERMINAL_JOB_STATUSES.includes(job.status)) {
          if (job.status !== 'succeeded') throw new Error(`job ${jobId} ${job.status}: ${JSON.stringify(job.error)} (logs in ${logDir})`);
          return job;
        }
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms (logs in ${logDir})`);
      }
    },
    async stop() {
      await stopChildren();
      await removeState();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
