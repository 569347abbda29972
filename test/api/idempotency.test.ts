import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../support/env.js';
import { startStack, type TestStack } from '../support/stack.js';
import { queueOf } from '../support/kinds.js';

const spec = {
  kind: 'travel-plan',
  input: { generate: { groups: 40, seed: 3 } },
  optimizer: { algorithm: 'annealing' },
  partitions: 4,
};

describe('POST /jobs with an Idempotency-Key', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0 });
  });
  afterAll(async () => {
    await stack?.close(true);
  });

  const submit = (body: unknown, key: string) =>
    stack.master.app.inject({
      method: 'POST',
      url: '/jobs',
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
    });

  it('creates one job for 20 concurrent submits of one key, and answers each with it', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => submit(spec, 'concurrent')));
    const ids = new Set(replies.map((r) => r.json().id as string));
    expect(ids.size).toBe(1);
    expect(replies.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(replies.filter((r) => r.statusCode === 200)).toHaveLength(19);
    const [id] = [...ids] as [string];
    const jobs = await stack.master.catalog.pool.query('select id from jobs');
    expect(jobs.rows).toEqual([{ id }]);
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(queueOf('travel-plan'), { connection, prefix: stack.prefix });
    try {
      const messages = await queue.getJobs(['wait', 'prioritized', 'delayed', 'paused']);
      expect(messages.map((m) => m.data.jobId)).toEqual(Array(4).fill(id));
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('the same key with the same spec written differently is a repeat; with another spec it is a 409 that creates nothing', async () => {
    const first = await submit(spec, 'k-2');
    expect(first.statusCode).toBe(202);
    const reordered = {
      partitions: 4,
      optimizer: { algorithm: 'annealing' },
      input: { generate: { seed: 3, groups: 40 } },
      kind: 'travel-plan',
    };
    const repeat = await submit(reordered, 'k-2');
    expect([repeat.statusCode, repeat.json().id]).toEqual([200, first.json().id]);
    const before = await stack.master.catalog.pool.query('select count(*)::int as n from jobs');
    const other = await submit({ ...spec, partitions: 5 }, 'k-2');
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({
      statusCode: 409,
      message: expect.stringMatching(/Idempotency-Key "k-2" was already used for a different spec/),
    });
    const after = await stack.master.catalog.pool.query('select count(*)::int as n from jobs');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
