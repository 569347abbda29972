import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { JobView } from '@partita/contracts';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { useStack, type TestStack } from '../support/stack.js';
import { expectSameOutput, travelKey } from './expect-output.js';
import { travelSpec } from './specs.js';
import { until, waitForJobWithLiveWorkers } from './watch.js';

/** 8 partitions on 2 workers: when Redis loses its data, some have ended, some run and some still wait. */
const spec = (container: string) => ({
  ...travelSpec(container, 'fault-redis'),
  input: { generate: { groups: 160, seed: 5 } },
  optimizer: { algorithm: 'genetic', restarts: 4 },
  partitions: 8,
});

/**
 * Runs the spec clean, then again with `fault` applied to Redis once at least one partition ended and two still
 * wait: their messages are gone, and only the master's recovery pass, reading the catalog, can put them back.
 */
async function throughRedisLoss(stack: TestStack, fault: () => Promise<void>, annotate: TestContext['annotate']): Promise<JobView> {
  const clean = await stack.waitForJob(await stack.submit(spec(stack.container)));
  const id = await stack.submit(spec(stack.container));
  await until('one partition ended and two waiting', async () => {
    const { partitions } = await stack.getJob(id);
    const ended = partitions.filter((p) => p.status === 'succeeded').length;
    const waiting = partitions.filter((p) => p.status === 'queued').length;
    return ended >= 1 && waiting >= 2 ? true : undefined;
  });
  await fault();
  const t1 = Date.now();
  // Within a few recovery passes (RECONCILE_INTERVAL_MS is 500 in the stack) plus the work left.
  const job = await waitForJobWithLiveWorkers(stack, id, 30_000);
  await annotate(`ended ${Date.now() - t1} ms after the fault; clean run ${Math.round(clean.timings.wallMs)} ms`);
  await expectSameOutput(stack, job, clean, travelKey);
  expect(job.partitions.every((p) => p.status === 'succeeded')).toBe(true);
  return job;
}

describe('Redis loses its data mid-job', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const ctx = useStack(() => ({ workers: 2, env: { REDIS_URL: redis.url } }));

  it(
    'FLUSHALL: the master puts the lost partitions back from the catalog; the output is exact',
    { timeout: 90_000 },
    async ({ annotate }) => {
      await throughRedisLoss(ctx.stack, () => redis.flushAll(), annotate);
    },
  );

  it('a crash and restart without persistence: workers reconnect, the job completes exactly', { timeout: 90_000 }, async ({ annotate }) => {
    const before = redis.pid;
    await throughRedisLoss(ctx.stack, () => redis.restart(), annotate);
    expect(redis.pid).not.toBe(before);
  });
});
