import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { partitionMessageId } from '@partita/contracts';
import { generateGroup, generateRoute } from '@partita/travel';
import { readTravelResult } from '../support/results.js';
import { queueOf } from '../support/kinds.js';
import { useStack } from '../support/stack.js';
import { checkTravelRows } from '../support/travel-check.js';

describe('travel-plan end to end: HTTP submit, 2 worker processes, Parquet in Azurite', () => {
  const ctx = useStack({ workers: 2, workerMode: 'process' });

  it('plans every group exactly once with valid itineraries whose costs recompute', async () => {
    const { stack } = ctx;
    const groups = 240;
    const id = await stack.submit({
      kind: 'travel-plan',
      input: { generate: { groups, seed: 7 } },
      optimizer: { algorithm: 'genetic', restarts: 3 },
      partitioner: 'cost-aware',
      partitions: 6,
      output: { container: stack.container, prefix: 'e2e' },
      dataset: { name: 'e2e-travel', description: 'end-to-end test', tags: { suite: 'e2e' } },
    });
    const job = await stack.waitForJob(id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.progress).toMatchObject({ done: 6, total: 6, succeeded: 6, failed: 0, itemsDone: groups, itemsTotal: groups });
    expect(new Set(job.partitions.map((p) => p.workerId))).toEqual(new Set(['w1', 'w2']));

    const { manifest, rows } = await readTravelResult(stack, job);
    // The manifest names exactly the files under the job's prefix (plus itself), with the catalog's counts.
    const listed = await stack.store.list(stack.container, `e2e/${id}/`);
    expect(listed.map((b) => b.path).sort()).toEqual([...manifest.files.map((f) => f.path), `e2e/${id}/_manifest.json`].sort());
    expect(manifest.rows).toBe(rows.length);
    expect(manifest.dataset).toEqual({ name: 'e2e-travel', description: 'end-to-end test', tags: { suite: 'e2e' } });
    expect(manifest.schema.map((c) => c.name)).toContain('group_cost');

    const expected = Array.from({ length: groups }, (_, i) => generateGroup(7, i));
    checkTravelRows(rows, expected, (o, d) => generateRoute(7, o, d));

    // Timings: every partition ran once, and the figures add up.
    for (const p of job.partitions) {
      expect(p.attempts).toBe(1);
      expect(p.runMs).toBeGreaterThan(0);
      expect(p.queueWaitMs).toBeGreaterThanOrEqual(0);
    }
    const sum = job.partitions.reduce((a, p) => a + (p.runMs ?? 0), 0);
    expect(job.timings.sumPartitionMs).toBeCloseTo(sum, 3);
    expect(job.timings.speedup).toBeCloseTo(sum / job.timings.wallMs, 6);
    expect(job.timings.workers).toBe(2);
  });

  it('cancels a job: partitions not yet started never run', async () => {
    const { stack } = ctx;
    // Stop the workers first so that nothing starts before the cancel.
    await Promise.all(stack.workerProcesses.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
    const id = await stack.submit({
      kind: 'travel-plan',
      input: { generate: { groups: 50, seed: 1 } },
      partitions: 5,
      output: { container: stack.container, prefix: 'cancel' },
    });
    // The cancel takes the messages off the queue: a worker never sees them (it would also skip them, as the catalog
    // says cancelled, so the checks after the late worker alone would hold even if the messages stayed).
    const connection = new Redis(stack.env['REDIS_URL']!, { maxRetriesPerRequest: null });
    const queue = new Queue(queueOf('travel-plan'), { connection, prefix: stack.prefix });
    const messages = async () => (await Promise.all([0, 1, 2, 3, 4].map((i) => queue.getJob(partitionMessageId(id, i))))).filter(Boolean);
    try {
      expect(await messages()).toHaveLength(5);
      const res = await stack.master.app.inject({ method: 'DELETE', url: `/jobs/${id}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id, status: 'cancelled' });
      expect(await messages()).toEqual([]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    await stack.startWorkerProcess('late');
    await new Promise((r) => setTimeout(r, 1500));
    const job = await stack.getJob(id);
    expect(job.status).toBe('cancelled');
    expect(job.partitions.every((p) => p.status === 'cancelled' && p.attempts === 0)).toBe(true);
    expect(await stack.store.list(stack.container, `cancel/${id}/`)).toEqual([]);
    // A second cancel changes nothing: a 409 saying so, and the job is counted as cancelled once.
    const again = await stack.master.app.inject({ method: 'DELETE', url: `/jobs/${id}` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'PARTITA_ERR_CONFLICT', message: `job ${id} was already cancelled` });
    const metrics = (await stack.master.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^partita_jobs_finished_total\{kind="travel-plan",outcome="cancelled"\} 1$/m);
  });
});
