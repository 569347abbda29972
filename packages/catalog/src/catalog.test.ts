import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('Catalog (real PostgreSQL, own schema)', () => {
  const schema = `t_cat_${randomUUID().slice(0, 8)}`;
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = new Catalog({ connectionString: DATABASE_URL, schema, max: 25 });
    expect(await catalog.migrate()).toEqual([1, 2]);
    expect(await catalog.migrate()).toEqual([]); // idempotent
  });
  afterAll(async () => {
    await catalog.pool.query(`drop schema "${schema}" cascade`);
    await catalog.close();
  });

  async function newJob(partitions: number): Promise<string> {
    const id = randomUUID();
    await catalog.createJob({
      id,
      kind: 'travel-plan',
      spec: { kind: 'travel-plan' },
      output: { container: 'c', prefix: 'p' },
      itemsTotal: partitions,
      partitions: Array.from({ length: partitions }, (_, index) => ({ index, payload: { index }, items: 1, estimatedCost: 1 })),
    });
    await catalog.markEnqueued(id);
    return id;
  }

  it('of many partitions ending at once, exactly one sees the job complete', async () => {
    const id = await newJob(20);
    const attempts = await Promise.all(Array.from({ length: 20 }, (_, i) => catalog.startPartition(id, i, `w${i % 3}`)));
    const results = await Promise.all(
      attempts.map((a, i) => {
        if (!('run' in a)) throw new Error('expected to run');
        return catalog.completePartition(id, i, a.run.attempt, { files: [{ path: `f${i}`, rows: 1, bytes: 10 }], runMs: 5 });
      }),
    );
    expect(results.filter((r) => r.jobComplete)).toHaveLength(1);
    expect(results.every((r) => r.recorded)).toBe(true);
    expect(await catalog.jobsToFinalize()).toContain(id);
  });

  it('a partition starting while the job row is locked (enqueue, cancel) waits for it instead of deadlocking', async () => {
    const id = await newJob(2);
    // Stands in for markEnqueued or cancelJob: the job row first, then its partitions.
    const other = await catalog.pool.connect();
    try {
      await other.query('begin');
      await other.query('select 1 from jobs where id = $1 for update', [id]);
      const starting = catalog.startPartition(id, 0, 'w');
      await new Promise((r) => setTimeout(r, 200)); // the start is now blocked on whatever it locks first
      await other.query('update partitions set enqueued_at = clock_timestamp() where job_id = $1', [id]);
      await other.query('commit');
      const started = await starting;
      expect('run' in started).toBe(true);
    } finally {
      other.release();
    }
  });

  it('a stale attempt cannot overwrite the newer one, and an ended partition is not run again', async () => {
    const id = await newJob(1);
    const first = await catalog.startPartition(id, 0, 'dead-worker');
    const second = await catalog.startPartition(id, 0, 'live-worker');
    if (!('run' in first) || !('run' in second)) throw new Error('expected both to run');
    expect(second.run.attempt).toBe(2);
    expect((await catalog.completePartition(id, 0, 1, { files: [{ path: 'stale', rows: 9, bytes: 9 }], runMs: 1 })).recorded).toBe(false);
    expect((await catalog.completePartition(id, 0, 2, { files: [{ path: 'fresh', rows: 1, bytes: 1 }], runMs: 1 })).recorded).toBe(true);
    expect(await catalog.startPartition(id, 0, 'late')).toEqual({ skip: 'partition-ended' });
    const job = await catalog.getJob(id);
    expect(job?.partitions[0]).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      workerId: 'live-worker',
      files: [{ path: 'fresh', rows: 1, bytes: 1 }],
    });
    const outcomes = await catalog.pool.query('select attempt, outcome from attempts where job_id = $1 order by attempt', [id]);
    expect(outcomes.rows).toEqual([
      { attempt: 1, outcome: 'abandoned' },
      { attempt: 2, outcome: 'succeeded' },
    ]);
  });

  it('a job ends once: a second finisher and a cancelled job are refused', async () => {
    const id = await newJob(1);
    const now = await catalog.now();
    expect(await catalog.finishJob(id, { status: 'failed', finishedAt: now, error: { message: 'x' } })).toBe(true);
    expect(await catalog.finishJob(id, { status: 'succeeded', finishedAt: now })).toBe(false);
    expect((await catalog.cancelJob(id))?.status).toBe('failed');
    const other = await newJob(2);
    expect(await catalog.cancelJob(other)).toEqual({ status: 'cancelled', kind: 'travel-plan', cancelled: [0, 1] });
    expect(await catalog.startPartition(other, 0, 'w')).toEqual({ skip: 'job-ended' });
    expect(await catalog.cancelJob(randomUUID())).toBeNull();
  });

  it('pages through jobs newest first', async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await catalog.listJobs({ limit: 2, cursor });
      for (const j of page.items) {
        expect(seen.has(j.id)).toBe(false);
        seen.add(j.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const total = await catalog.pool.query<{ n: number }>('select count(*)::int as n from jobs');
    expect(seen.size).toBe(total.rows[0]!.n);
  });
});
