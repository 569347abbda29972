import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

/**
 * A redis-server of one test file's own, on a free loopback port, without persistence: a restart loses everything,
 * as the crash of an in-memory Redis does. Faults are injected here, never into the Redis other tests share.
 */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>`: pass it as REDIS_URL to the stack. */
  url: string;
  /** The running server's pid (changes with `restart()`). */
  readonly pid: number;
  /** Deletes every key of every database. */
  flushAll(): Promise<void>;
  /** SIGKILL (a crash: nothing saved, every connection dropped), then a fresh server on the same port. */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;

/** Servers still running, killed if this process exits without stopping them. */
const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((child) => child.kill('SIGKILL')));

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'partita-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child = await launch(port, dir);
  let stopped = false;

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    if (current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill(signal);
    const timer = setTimeout(() => current.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  return {
    port,
    url,
    get pid() {
      return child.pid!;
    },
    async flushAll() {
      await withClient(url, (redis) => redis.flushall());
    },
    async restart() {
      await kill('SIGKILL');
      child = await launch(port, dir);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`redis-server exited (${signal ?? code}) on port ${port}:\n${output}`)));
  });
  failed.catch(() => undefined); // only awaited while starting
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const pong = await Promise.race([ping(`redis://127.0.0.1:${port}`), failed]);
    if (pong) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port} within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function ping(url: string): Promise<boolean> {
  return withClient(url, async (redis) => (await redis.ping()) === 'PONG').catch(() => false);
}

async function withClient<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
