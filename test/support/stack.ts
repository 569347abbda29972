import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, inject, onTestFailed } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { TERMINAL_JOB_STATUSES, type JobView } from '@partita/contracts';
import type { JobSpec } from '../../apps/master/src/services/jobs.js';
import { waitForWorkers as waitForQueueWorkers } from '@partita/queue';
import { createAzureBlobStore, type BlobStore } from '@partita/storage';
import { createLogger } from '@partita/telemetry';
import { readMasterEnv } from '../../apps/master/src/env.js';
import { startMaster, type RunningMaster } from '../../apps/master/src/master.js';
import { readWorkerEnv } from '../../apps/worker/src/env.js';
import { startWorker, type RunningWorker } from '../../apps/worker/src/worker.js';
import { DATABASE_URL, REDIS_URL, SOURCE_DATABASE_URL } from './env.js';
import { deletePrefix, dropSchema, uniqueName } from './isolation.js';
import { freePort } from './ports.js';
import { BUILTIN_KINDS, queueOf } from './kinds.js';

const WORKER_MAIN = fileURLToPath(new URL('../../apps/worker/dist/main.js', import.meta.url));

export interface StackOptions {
  /** Workers as child processes running the built worker (true parallelism), or in this process. Default `process`. */
  workerMode?: 'process' | 'in-process';
  workers?: number;
  /** Extra environment for master and workers. */
  env?: Record<string, string>;
  /** Worker processes serve /healthz and /metrics on a free port each (`workerHttpPorts`). Default: off. */
  workerHttp?: boolean;
  /** The in-process master's and workers' JSON log lines, at level info, go here. */
  logs?: NodeJS.WritableStream;
}

/**
 * A master (in this process) and workers against the real Redis, PostgreSQL and Azurite, isolated by schema, queue prefix and container.
 * `env.REDIS_URL` and `env.AZURE_STORAGE_CONNECTION_STRING` may point at a test's private server: every connection the
 * stack opens itself uses them.
 */
export interface TestStack {
  schema: string;
  prefix: string;
  container: string;
  env: Record<string, string>;
  /** Replaced by `restartMaster()`. */
  master: RunningMaster;
  baseUrl: string;
  store: BlobStore;
  workerProcesses: ChildProcess[];
  inProcessWorkers: RunningWorker[];
  /** With `workerHttp`: each worker process's HTTP port, by worker id. */
  workerHttpPorts: Map<string, number>;
  /** Starts a worker process and waits until it says it is ready (listening on its queues); rejects if it exits first. */
  startWorkerProcess(id: string, extraEnv?: Record<string, string>): Promise<ChildProcess>;
  /** Waits until `count` workers listen on the travel-plan queue of this stack's Redis and prefix. */
  waitForWorkers(count: number, timeoutMs?: number): Promise<void>;
  /** Pauses every kind's partition queue: submitted partitions wait until `resumeWorkers()`. */
  pauseWorkers(): Promise<void>;
  resumeWorkers(): Promise<void>;
  /**
   * Stops the master and starts a new one on the same catalog, queues and store (as after a crash or a deploy).
   * `whileStopped` runs in between, with no master at all (the API is down: read the catalog directly).
   */
  restartMaster(whileStopped?: () => Promise<void>): Promise<void>;
  submit(spec: unknown): Promise<string>;
  getJob(id: string): Promise<JobView>;
  waitForJob(id: string, timeoutMs?: number): Promise<JobView>;
  /** Stops everything; drops the schema, queue keys and container only when `passed` (a failure keeps its state). */
  close(passed: boolean): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const schema = uniqueName('t_');
  const prefix = uniqueName('ptest-');
  const container = uniqueName('c-');
  const env: Record<string, string> = {
    DATABASE_URL,
    SOURCE_DATABASE_URL,
    REDIS_URL,
    CATALOG_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    AZURE_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
    LOG_LEVEL: 'error',
    LOG_PRETTY: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    RECONCILE_INTERVAL_MS: '500',
    API_AUTH: 'off',
    WORKER_HTTP_PORT: '-1',
    ...options.env,
  };
  const log = options.logs
    ? createLogger({ name: 'test', level: 'info', destination: options.logs })
    : createLogger({ name: 'test', level: env['LOG_LEVEL'] ?? 'warn', pretty: false });
  let master = await startMaster(readMasterEnv(env), log.child({ app: 'master' }));
  const redisUrl = env['REDIS_URL']!;
  const control = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = BUILTIN_KINDS.map((kind) => new Queue(queueOf(kind), { connection: control, prefix }));
  const store = createAzureBlobStore({ connectionString: env['AZURE_STORAGE_CONNECTION_STRING']! });
  const workerProcesses: ChildProcess[] = [];
  const inProcessWorkers: RunningWorker[] = [];

  const workerHttpPorts = new Map<string, number>();
  const startWorkerProcess = async (id: string, extraEnv: Record<string, string> = {}): Promise<ChildProcess> => {
    const http: Record<string, string> = {};
    if (options.workerHttp) {
      const port = await freePort();
      workerHttpPorts.set(id, port);
      http['WORKER_HTTP_PORT'] = String(port);
    }
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: { ...process.env, ...env, WORKER_ID: id, ...http, ...extraEnv },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    workerProcesses.push(child);
    await untilReady(child, id);
    return child;
  };
  const count = options.workers ?? 2;
  const ids = Array.from({ length: count }, (_, i) => `w${i + 1}`);
  if ((options.workerMode ?? 'process') === 'process') await Promise.all(ids.map((id) => startWorkerProcess(id)));
  else
    for (const id of ids) inProcessWorkers.push(await startWorker(readWorkerEnv({ ...env, WORKER_ID: id }), log.child({ app: 'worker' })));
  await waitForWorkers(prefix, count, undefined, redisUrl);

  const getJob = async (id: string): Promise<JobView> => {
    // Through the current master: restartMaster() replaces it.
    const res = await master.app.inject({ method: 'GET', url: `/jobs/${id}` });
    if (res.statusCode !== 200) throw new Error(`GET /jobs/${id}: ${res.statusCode} ${res.body}`);
    return res.json<JobView>();
  };

  const stack: TestStack = {
    schema,
    prefix,
    container,
    env,
    master,
    baseUrl: master.url,
    store,
    workerProcesses,
    inProcessWorkers,
    workerHttpPorts,
    startWorkerProcess,
    waitForWorkers: (n, timeoutMs) => waitForWorkers(prefix, n, timeoutMs, redisUrl),
    async pauseWorkers() {
      await Promise.all(queues.map((q) => q.pause()));
    },
    async resumeWorkers() {
      await Promise.all(queues.map((q) => q.resume()));
    },
    async restartMaster(whileStopped) {
      await master.close();
      try {
        await whileStopped?.();
      } finally {
        // Even when `whileStopped` threw: close() then stops a running master, not the closed one again.
        master = await startMaster(readMasterEnv(env), log.child({ app: 'master' }));
        stack.master = master;
        stack.baseUrl = master.url;
      }
    },
    async submit(spec) {
      const res = await fetch(`${stack.baseUrl}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      const body = (await res.json()) as { id?: string; message?: string };
      if (res.status !== 202 || !body.id) throw new Error(`POST /jobs: ${res.status} ${JSON.stringify(body)}`);
      return body.id;
    },
    getJob,
    async waitForJob(id, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await getJob(id);
        if (TERMINAL_JOB_STATUSES.includes(job.status)) return job;
        if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job.progress)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close(passed) {
      await Promise.all(
        workerProcesses.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
      await Promise.all(inProcessWorkers.map((w) => w.close()));
      await master.close();
      await Promise.all(queues.map((q) => q.close()));
      if (passed) {
        await dropSchema(schema);
        await deletePrefix(prefix, redisUrl);
        await store.deleteContainer(container);
      }
      control.disconnect();
    },
  };
  return stack;
}

/** How long a worker process may take to start (load its kinds, warm up, connect). */
const WORKER_READY_MS = 30_000;

/** Resolves when a worker process sends its `ready` message (see the worker's main); rejects when it exits first. */
function untilReady(child: ChildProcess, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready') done();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      done(new Error(`worker ${id} exited before it was ready (code ${code}, signal ${signal})`));
    const timer = setTimeout(() => done(new Error(`worker ${id} was not ready within ${WORKER_READY_MS} ms`)), WORKER_READY_MS);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** A spec's output pointed at the stack's own container. */
export function withContainer<T extends { output?: unknown }>(
  spec: T,
  container: string,
  prefix = 'out',
): T & { output: { container: string; prefix: string } } {
  return { ...spec, output: { container, prefix } };
}

export type { JobSpec };

/** Waits until `count` workers listen on the travel-plan queue, so that a test's first job is shared between them. */
export async function waitForWorkers(prefix: string, count: number, timeoutMs = 20_000, redisUrl = REDIS_URL): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    await waitForQueueWorkers(connection, prefix, queueOf('travel-plan'), count, { timeoutMs });
  } finally {
    connection.disconnect();
  }
}

/**
 * Registers a fresh stack around each test of the enclosing `describe`: started before, closed after, its state
 * removed only when the test passed. `options` may be a function, called before each test: for settings known only
 * once a `beforeAll` ran (a private server's address).
 */
export function useStack(options: StackOptions | (() => StackOptions) = {}): { readonly stack: TestStack; readonly passed: boolean } {
  const state: { stack: TestStack | undefined; passed: boolean } = { stack: undefined, passed: true };
  beforeEach(async () => {
    state.passed = true;
    onTestFailed(() => {
      state.passed = false;
    });
    state.stack = await startStack(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    await state.stack?.close(state.passed);
    state.stack = undefined;
  });
  return {
    get stack() {
      if (!state.stack) throw new Error('the stack runs only inside a test');
      return state.stack;
    },
    get passed() {
      return state.passed;
    },
  };
}
