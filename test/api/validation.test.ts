import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../support/env.js';
import { startStack, type TestStack } from '../support/stack.js';
import { queueOf } from '../support/kinds.js';

const valid = {
  kind: 'travel-plan',
  input: { generate: { groups: 100, seed: 1 } },
  optimizer: { algorithm: 'annealing' },
  partitions: 4,
};

describe('POST /jobs rejects bad input with a 4xx naming the problem, and enqueues nothing', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0 });
  });
  afterAll(async () => {
    await stack?.close(true);
  });

  const post = (payload: string, contentType = 'application/json') =>
    stack.master.app.inject({ method: 'POST', url: '/jobs', payload, headers: { 'content-type': contentType } });

  const cases: Array<[string, unknown, RegExp]> = [
    ['missing kind', { ...valid, kind: undefined }, /kind/],
    ['unknown kind', { ...valid, kind: 'teleport' }, /kind/],
    ['unknown optimiser', { ...valid, optimizer: { algorithm: 'magic' } }, /optimizer\.algorithm/],
    ['optimiser parameter out of range', { ...valid, optimizer: { algorithm: 'annealing', cool: 1.5 } }, /optimizer\.cool/],
    ['0 partitions', { ...valid, partitions: 0 }, /partitions/],
    ['100,000 partitions', { ...valid, partitions: 100_000 }, /partitions/],
    ['negative group count', { ...valid, input: { generate: { groups: -5 } } }, /input/],
    ['unknown field', { ...valid, colour: 'blue' }, /colour/],
    ['two inputs at once', { ...valid, input: { generate: { groups: 5 }, postgres: { travellers: 'a', flights: 'b' } } }, /input/],
    ['bad container name', { ...valid, output: { container: 'Bad_Name' } }, /output\.container/],
    ['path escape in prefix', { ...valid, output: { container: 'results', prefix: '../etc' } }, /output\.prefix/],
    ['SQL in a table name', { ...valid, input: { postgres: { travellers: 'x; drop table y', flights: 'f' } } }, /input/],
    [
      'inline route without flights',
      {
        ...valid,
        input: {
          inline: {
            groups: [{ id: 'a', destination: 'LGA', travellers: [{ name: 'Seymour', origin: 'BOS' }] }],
            flights: [{ origin: 'BOS', destination: 'LGA', depart: '6:17', arrive: '8:00', price: 95 }],
          },
        },
      },
      /input\.inline\.groups\[0\]\.travellers\[0\].*no flights from LGA to BOS/,
    ],
    [
      'postgres table that does not exist',
      { ...valid, input: { postgres: { travellers: 'public.no_such_table', flights: 'public.no_such_flights' } } },
      /input\.postgres\.travellers.*does not exist/,
    ],
  ];

  it.each(cases)('%s', async (_name, body, field) => {
    const res = await post(JSON.stringify(body));
    expect(res.statusCode).toBe(400);
    const error = res.json<{ statusCode: number; code: string; message: string; issues?: { path: string; message: string }[] }>();
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('PARTITA_ERR_VALIDATION');
    expect(error.message).toMatch(field);
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
  });

  it('a body that is not JSON gets 400', async () => {
    const res = await post('{"kind": "travel-plan",');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/JSON/i);
  });

  it('a body that is not declared JSON gets 415', async () => {
    const res = await post('kind=travel-plan', 'text/plain');
    expect(res.statusCode).toBe(415);
  });

  it('a 10 MB body gets 413', async () => {
    const big = JSON.stringify({ ...valid, padding: 'x'.repeat(10 * 1024 * 1024) });
    const res = await post(big);
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/too large|body/i);
  });

  it('unknown ids and bad ids', async () => {
    expect((await stack.master.app.inject({ method: 'GET', url: '/jobs/8d0f5d0e-54c3-4a1e-9a3e-000000000000' })).statusCode).toBe(404);
    expect((await stack.master.app.inject({ method: 'GET', url: '/jobs/not-a-uuid' })).statusCode).toBe(400);
    expect((await stack.master.app.inject({ method: 'DELETE', url: '/jobs/8d0f5d0e-54c3-4a1e-9a3e-000000000000' })).statusCode).toBe(404);
    expect((await stack.master.app.inject({ method: 'GET', url: '/jobs?cursor=bogus' })).statusCode).toBe(400);
  });

  it('a forged page cursor (a date out of range or that does not exist, a bad id) is a 400 naming it, never a 500', async () => {
    const forge = (text: string) => Buffer.from(text).toString('base64url');
    const id = '8d0f5d0e-54c3-4a1e-9a3e-000000000000';
    await stack.master.app.inject({ method: 'PUT', url: '/pipelines/p', payload: { entries: [] } });
    for (const cursor of [
      forge(`+275760-09-13T00:00:00.000Z|${id}`),
      forge(`99999-01-01T00:00:00.000Z|${id}`),
      forge(`2024-02-30T00:00:00.000Z|${id}`),
      forge(`2024-01-01T00:00:00.000Z|------------------------------------`),
      forge(`2024-01-01|${id}`),
      forge(`2024-01-01T00:00:00.000Z|${id}|x`),
    ]) {
      for (const url of [`/jobs?cursor=${cursor}`, `/pipelines/p/runs?cursor=${cursor}`]) {
        const res = await stack.master.app.inject({ method: 'GET', url });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        expect(res.json().issues).toEqual([{ path: 'cursor', message: 'unknown cursor' }]);
      }
    }
    const real = Buffer.from(`2024-01-01T00:00:00.000Z|${id}`).toString('base64url');
    expect((await stack.master.app.inject({ method: 'GET', url: `/jobs?cursor=${real}` })).statusCode).toBe(200);
  });

  it('after all the bad requests: no job in the catalog and nothing on the queue', async () => {
    const list = await stack.master.app.inject({ method: 'GET', url: '/jobs' });
    expect(list.json()).toEqual({ items: [], nextCursor: null });
    const queue = new Queue(queueOf('travel-plan'), {
      connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: stack.prefix,
    });
    try {
      const counts = await queue.getJobCounts();
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it('a valid job is accepted, listed, and repeats of an idempotency key return the same job', async () => {
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'k-1' };
    const first = await stack.master.app.inject({ method: 'POST', url: '/jobs', payload: JSON.stringify(valid), headers });
    expect(first.statusCode).toBe(202);
    const again = await stack.master.app.inject({ method: 'POST', url: '/jobs', payload: JSON.stringify(valid), headers });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const list = await stack.master.app.inject({ method: 'GET', url: '/jobs?limit=1' });
    expect(list.json().items).toHaveLength(1);
    const job = await stack.getJob(first.json().id);
    expect(job.status).toBe('queued');
    expect(job.progress.total).toBe(4);
    expect(job.partitions.every((p) => p.enqueuedAt !== null)).toBe(true);
  });

  it('serves the OpenAPI document generated from the schemas', async () => {
    const res = await stack.master.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/jobs', '/jobs/{id}', '/healthz', '/readyz']));
    expect(JSON.stringify(doc.paths['/jobs'])).toContain('travel-plan');
  });

  it('health and readiness', async () => {
    expect((await stack.master.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await stack.master.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { catalog: 'ok', queue: 'ok' } });
  });
});
