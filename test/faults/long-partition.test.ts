import { get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { partitionMessageId } from '@partita/contracts';
import { groupSize } from '@partita/travel';
import { useStack } from '../support/stack.js';
import { queueOf } from '../support/kinds.js';

const LOCK_DURATION_MS = 1000;
const QUEUE = queueOf('travel-plan');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first seed whose first generated group has `size` travellers. */
function seedWithFirstGroupOf(size: number): number {
  let seed = 0;
  while (groupSize(seed, 0) !== size) seed++;
  return seed;
}

/**
 * Samples, every 100 ms until `stop()`, whether the partition's message is active on the queue and, in the same
 * transaction, whether its lock exists: an active message without a lock is one a stall check would take away.
 */
function watchLock(redisUrl: string, prefix: string, messageId: string) {
  const redis = new Redis(redisUrl);
  const base = `${prefix}:${QUEUE}`;
  const seen = { activeSamples: 0, locklessSamples: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const replies = await redis.multi().lpos(`${base}:active`, messageId).pttl(`${base}:${messageId}:lock`).exec();
      const [[posErr, pos], [ttlErr, ttl]] = replies as [[Error | null, unknown], [Error | null, unknown]];
      if (posErr) throw posErr;
      if (ttlErr) throw ttlErr;
      if (pos !== null) {
        seen.activeSamples++;
        if (typeof ttl !== 'number' || ttl <= 0) seen.locklessSamples++;
      }
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      try {
        await loop;
      } finally {
        redis.disconnect();
      }
      return seen;
    },
  };
}

/** One GET of a worker's /healthz on a connection of its own (a blocked server may reset a kept-alive one); true when it answered 200. */
function healthz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Asks each worker's /healthz every 200 ms until `stop()`. The longest time between two answers of a worker says how
 * long its event loop was blocked at most (a blocked loop neither renews queue locks nor answers).
 */
function watchHealth(ports: ReadonlyMap<string, number>) {
  const longestSilence = new Map<string, number>();
  const answers = new Map<string, number>();
  let running = true;
  const loops = [...ports].map(async ([workerId, port]) => {
    longestSilence.set(workerId, 0);
    answers.set(workerId, 0);
    let last = performance.now();
    while (running) {
      if (await healthz(port)) {
        const now = performance.now();
        longestSilence.set(workerId, Math.max(longestSilence.get(workerId)!, now - last));
        answers.set(workerId, answers.get(workerId)! + 1);
        last = now;
      }
      await sleep(200);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { longestSilence, answers };
    },
  };
}

describe('long CPU-bound partitions are never declared stalled while their worker lives', () => {
  const ctx = useStack({ workers: 2, workerHttp: true, env: { LOCK_DURATION_MS: String(LOCK_DURATION_MS) } });

  it('one group optimised for many lock durations: one attempt, its lock held throughout, the worker answering', async () => {
    const { stack } = ctx;
    const events = new QueueEvents(QUEUE, { connection: { url: stack.env['REDIS_URL'] }, prefix: stack.prefix });
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    const health = watchHealth(stack.workerHttpPorts);
    try {
      // One partition holding one group of 8 whose genetic optimisation takes 8–30 s of CPU on a 2-core machine.
      const seed = seedWithFirstGroupOf(8);
      const id = await stack.submit({
        kind: 'travel-plan',
        input: { generate: { groups: 1, seed } },
        optimizer: { algorithm: 'genetic', popsize: 100, maxiter: 500_000 },
        partitions: 1,
        retry: { attempts: 3, backoffMs: 100 },
        output: { container: stack.container, prefix: 'long' },
      });
      const lock = watchLock(stack.env['REDIS_URL']!, stack.prefix, partitionMessageId(id, 0));
      const { job, seen } = await stack.waitForJob(id, 150_000).then(
        async (ended) => ({ job: ended, seen: await lock.stop() }),
        async (err: unknown) => {
          await lock.stop();
          throw err;
        },
      );
      const { longestSilence, answers } = await health.stop();

      const observed = JSON.stringify({
        runMs: job.partitions[0]?.runMs,
        attempts: job.partitions[0]?.attempts,
        stalled,
        lock: seen,
        healthAnswers: Object.fromEntries(answers),
        longestSilenceMs: Object.fromEntries(longestSilence),
      });
      expect(job.status, `${JSON.stringify(job.error)} ${observed}`).toBe('succeeded');
      expect(job.partitions).toHaveLength(1);
      const p = job.partitions[0]!;
      expect(p.items).toBe(1);
      expect(p.attempts, observed).toBe(1);
      expect(p.runMs, observed).toBeGreaterThanOrEqual(5 * LOCK_DURATION_MS);
      // Every attempt the catalog knows of: one, succeeded (none abandoned, handed back or lost).
      const { rows } = await stack.master.catalog.pool.query<{ attempt: number; outcome: string; worker_id: string }>(
        'select attempt, outcome, worker_id from attempts where job_id = $1 order by attempt',
        [id],
      );
      expect(rows, observed).toEqual([{ attempt: 1, outcome: 'succeeded', worker_id: p.workerId }]);
      expect(stalled, observed).toEqual([]);
      // The watcher saw the partition active for most of its run, and never without its lock.
      expect(seen.activeSamples, observed).toBeGreaterThanOrEqual(20);
      expect(seen.locklessSamples, observed).toBe(0);
      // The worker's event loop stayed free: its health endpoint never went silent for as long as a lock lasts.
      expect(answers.get(p.workerId!), observed).toBeGreaterThanOrEqual(20);
      expect(longestSilence.get(p.workerId!), observed).toBeLessThan(LOCK_DURATION_MS);
    } finally {
      await health.stop();
      await events.close();
    }
  }, 150_000);
});
