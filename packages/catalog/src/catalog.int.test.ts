import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('Catalog (real PostgreSQL, own schema)', () => {
  const schema = `t_cat_${randomUUID().slice(0, 8)}`;
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = new Catalog({ connectionString: DATABASE_URL, schema, max: 25 });
    expect(await catalog.migrate()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await catalog.migrate()).toEqual([]); // idempotent
  });
  afterAll(async () => {
    await catalog.pool.query(`drop schema "${schema}" cascade`);
    await catalog.close();
  });

  async function newJob(partitions: number): Promise<string> {
    const id = randomUUID();
    await catalog.jobs.create({
      id,
      kind: 'travel-plan',
      spec: { kind: 'travel-plan' },
      output: { container: 'c', prefix: 'p' },
      itemsTotal: partitions,
      partitions: Array.from({ length: partitions }, (_, index) => ({ index, payload: { index }, items: 1, estimatedCost: 1 })),
    });
    await catalog.jobs.markEnqueued(id);
    return id;
  }

  it('announces a job’s end when it commits: a waiter wakes at once, a waiter for another job or schema does not', async () => {
    const ends = catalog.jobEnds();
    const other = new Catalog({ connectionString: DATABASE_URL, schema: `${schema}_other` });
    const otherEnds = other.jobEnds();
    await Promise.all([ends.start(), otherEnds.start()]);
    try {
      const [id, bystander] = [await newJob(1), await newJob(1)];
      const woken = ends.wait(id, 10_000);
      const notWoken = ends.wait(bystander, 1500);
      const elsewhere = otherEnds.wait(id, 1500);
      // Not yet: the update is not committed.
      const client = await catalog.pool.connect();
      try {
        await client.query('begin');
        await client.query(`update jobs set status = 'running' where id = $1`, [id]);
        await client.query(`update jobs set status = 'cancelled', finished_at = now() where id = $1`, [id]);
        const early = await Promise.race([woken, new Promise((r) => setTimeout(() => r('not yet'), 300))]);
        expect(early).toBe('not yet');
        await client.query('commit');
      } finally {
        client.release();
      }
      expect(await woken).toBe(true);
      expect(await notWoken).toBe(false);
      expect(await elsewhere).toBe(false);
    } finally {
      await ends.close();
      await otherEnds.close();
      await other.close();
    }
  });

  it('holds a capped job’s partitions beyond its cap, releases one per end, and keeps the cap through a retry', async () => {
    const id = randomUUID();
    await catalog.jobs.create({
      id,
      kind: 'noop',
      spec: { kind: 'noop', retry: { attempts: 1, backoffMs: 0 } },
      output: { container: 'c', prefix: 'p' },
      itemsTotal: 5,
      partitions: Array.from({ length: 5 }, (_, index) => ({ index, payload: { index }, items: 1, estimatedCost: 1 })),
      maxConcurrency: 2,
    });
    await catalog.jobs.markEnqueued(id);
    const indices = (payloads: unknown[] | undefined) => (payloads ?? []).map((p) => (p as { index: number }).index);
    expect(indices((await catalog.recovery.openMessages(id))?.payloads)).toEqual([0, 1]);
    expect((await catalog.recovery.openPartitions()).filter((p) => p.jobId === id).map((p) => p.index)).toEqual([0, 1]);
    const run = async (index: number) => {
      const started = await catalog.partitions.startOne({ jobId: id, index: index }, 'w');
      if (!('run' in started)) throw new Error('expected to run');
      return started.run.attempt;
    };
    const done = await catalog.partitions.succeedOne({ jobId: id, index: 0, attempt: await run(0), result: { files: [], runMs: 1 } });
    expect(done.released && indices(done.released.payloads)).toEqual([2]);
    const error = { message: 'no', code: 'E', retryable: false };
    const failed = await catalog.partitions.fail({
      jobId: id,
      index: 1,
      attempt: await run(1),
      error,
      handedBack: false,
      maxAttempts: 1,
      runMs: 1,
    });
    expect(failed.final).toBe(true);
    expect(failed.released && indices(failed.released.payloads)).toEqual([3]);
    for (const index of [2, 3])
      await catalog.partitions.succeedOne({ jobId: id, index: index, attempt: await run(index), result: { files: [], runMs: 1 } });
    const last = await catalog.partitions.succeedOne({ jobId: id, index: 4, attempt: await run(4), result: { files: [], runMs: 1 } });
    expect(last).toMatchObject({ jobComplete: true, released: null });
    await catalog.jobs.finish(id, { status: 'failed', finishedAt: new Date(), error });
    // A retry of the failed partition: within the cap, at once.
    expect(indices((await catalog.jobs.retry(id))?.payloads)).toEqual([1]);
  });

  it('of many partitions ending at once, exactly one sees the job complete', async () => {
    const id = await newJob(20);
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => catalog.partitions.startOne({ jobId: id, index: i }, `w${i % 3}`)),
    );
    const results = await Promise.all(
      attempts.map((a, i) => {
        if (!('run' in a)) throw new Error('expected to run');
        return catalog.partitions.succeedOne({
          jobId: id,
          index: i,
          attempt: a.run.attempt,
          result: { files: [{ path: `f${i}`, rows: 1, bytes: 10 }], runMs: 5 },
        });
      }),
    );
    expect(results.filter((r) => r.jobComplete)).toHaveLength(1);
    expect(results.every((r) => r.recorded)).toBe(true);
    expect(await catalog.recovery.jobsToFinalize()).toContain(id);
  });

  it('starts and completes many partitions of several jobs in one batch, as if one by one', async () => {
    const a = await newJob(3);
    const b = await newJob(2);
    await catalog.jobs.cancel(b);
    const c = await newJob(2);
    await catalog.partitions.startOne({ jobId: c, index: 1 }, 'w0');
    await catalog.partitions.succeedOne({ jobId: c, index: 1, attempt: 1, result: { files: [], runMs: 1 } });
    const started = await catalog.partitions.start(
      [
        { jobId: a, index: 2 },
        { jobId: b, index: 0 },
        { jobId: a, index: 0 },
        { jobId: c, index: 1 },
        { jobId: randomUUID(), index: 0 },
        { jobId: a, index: 1 },
      ],
      'w1',
    );
    expect(started.map((s) => ('run' in s ? s.run.attempt : s.skip))).toEqual([1, 'job-ended', 1, 'partition-ended', 'unknown', 1]);
    expect((await catalog.jobs.get(a))?.job).toMatchObject({ status: 'running' });
    const file = (i: number) => ({ path: `a/f${i}`, rows: i + 1, bytes: 10 * (i + 1) });
    const first = await catalog.partitions.succeed([
      { jobId: a, index: 0, attempt: 1, result: { files: [file(0)], runMs: 3 } },
      { jobId: a, index: 2, attempt: 2, result: { files: [file(2)], runMs: 3 } }, // not the current attempt
    ]);
    expect(first).toEqual([
      { recorded: true, jobComplete: false, released: null },
      { recorded: false, jobComplete: false, released: null },
    ]);
    const second = await catalog.partitions.succeed([
      { jobId: a, index: 1, attempt: 1, result: { files: [file(1)], runMs: 4 } },
      { jobId: a, index: 2, attempt: 1, result: { files: [file(2)], runMs: 5 } },
    ]);
    // The job's last partitions ended in this batch: one entry, not both, says so.
    expect(second).toEqual([
      { recorded: true, jobComplete: false, released: null },
      { recorded: true, jobComplete: true, released: null },
    ]);
    const job = (await catalog.jobs.get(a))!;
    expect(job.partitions.map((p) => [p.status, p.attempts, p.rows, p.run_ms, p.files])).toEqual(
      [0, 1, 2].map((i) => ['succeeded', 1, String(i + 1), i === 0 ? 3 : i === 1 ? 4 : 5, [file(i)]]),
    );
    const { rows } = await catalog.pool.query(`select idx, attempt, outcome, worker_id from attempts where job_id = $1 order by idx`, [a]);
    expect(rows).toEqual([0, 1, 2].map((idx) => ({ idx, attempt: 1, outcome: 'succeeded', worker_id: 'w1' })));
  });

  it('a partition starting while the job row is locked (enqueue, cancel) waits for it instead of deadlocking', async () => {
    const id = await newJob(2);
    // Stands in for markEnqueued or cancelJob: the job row first, then its partitions.
    const other = await catalog.pool.connect();
    try {
      await other.query('begin');
      await other.query('select 1 from jobs where id = $1 for update', [id]);
      const starting = catalog.partitions.startOne({ jobId: id, index: 0 }, 'w');
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
    const first = await catalog.partitions.startOne({ jobId: id, index: 0 }, 'dead-worker');
    const second = await catalog.partitions.startOne({ jobId: id, index: 0 }, 'live-worker');
    if (!('run' in first) || !('run' in second)) throw new Error('expected both to run');
    expect(second.run.attempt).toBe(2);
    expect(
      (
        await catalog.partitions.succeedOne({
          jobId: id,
          index: 0,
          attempt: 1,
          result: { files: [{ path: 'stale', rows: 9, bytes: 9 }], runMs: 1 },
        })
      ).recorded,
    ).toBe(false);
    expect(
      (
        await catalog.partitions.succeedOne({
          jobId: id,
          index: 0,
          attempt: 2,
          result: { files: [{ path: 'fresh', rows: 1, bytes: 1 }], runMs: 1 },
        })
      ).recorded,
    ).toBe(true);
    expect(await catalog.partitions.startOne({ jobId: id, index: 0 }, 'late')).toEqual({ skip: 'partition-ended' });
    const job = await catalog.jobs.get(id);
    expect(job?.partitions[0]).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      worker_id: 'live-worker',
      files: [{ path: 'fresh', rows: 1, bytes: 1 }],
    });
    const outcomes = await catalog.pool.query('select attempt, outcome from attempts where job_id = $1 order by attempt', [id]);
    expect(outcomes.rows).toEqual([
      { attempt: 1, outcome: 'abandoned' },
      { attempt: 2, outcome: 'succeeded' },
    ]);
  });

  it('counts failures against the retry budget; handed-back attempts do not spend it; a permanent error ends it at once', async () => {
    const id = await newJob(2);
    const transient = { message: 'connection reset', code: 'E', retryable: true };
    const fail = async (index: number, handedBack = false, error = transient) => {
      const started = await catalog.partitions.startOne({ jobId: id, index: index }, 'w');
      if (!('run' in started)) throw new Error('expected to run');
      return catalog.partitions.fail({ jobId: id, index, attempt: started.run.attempt, error, handedBack, maxAttempts: 3, runMs: 1 });
    };
    expect(await fail(0)).toMatchObject({ recorded: true, final: false });
    expect(await fail(0, true)).toMatchObject({ recorded: true, final: false }); // handed back: not counted
    expect(await fail(0)).toMatchObject({ recorded: true, final: false });
    expect(await fail(0)).toMatchObject({ recorded: true, final: true, jobComplete: false });
    expect(await fail(1, false, { ...transient, retryable: false })).toMatchObject({ final: true, jobComplete: true });
    const job = await catalog.jobs.get(id);
    expect(job?.partitions.map((p) => [p.status, p.attempts])).toEqual([
      ['failed', 4],
      ['failed', 1],
    ]);
    const outcomes = await catalog.pool.query<{ outcome: string }>(
      'select outcome from attempts where job_id = $1 and idx = 0 order by attempt',
      [id],
    );
    expect(outcomes.rows.map((r) => r.outcome)).toEqual(['failed', 'handed-back', 'failed', 'failed']);
  });

  it('retries only the failed partitions of a failed job, with a fresh budget; anything else is refused', async () => {
    const id = await newJob(3);
    for (const index of [0, 1, 2]) {
      const started = await catalog.partitions.startOne({ jobId: id, index: index }, 'w');
      if (!('run' in started)) throw new Error('expected to run');
      if (index === 1) {
        const error = { message: 'x', retryable: false };
        await catalog.partitions.fail({
          jobId: id,
          index: 1,
          attempt: started.run.attempt,
          error,
          handedBack: false,
          maxAttempts: 1,
          runMs: 1,
        });
      } else {
        await catalog.partitions.succeedOne({
          jobId: id,
          index: index,
          attempt: started.run.attempt,
          result: { files: [{ path: `f${index}`, rows: 1, bytes: 1 }], runMs: 1 },
        });
      }
    }
    expect(await catalog.jobs.retry(id)).toMatchObject({ status: 'running', payloads: [] }); // still running: nothing to retry
    await catalog.jobs.finish(id, { status: 'failed', finishedAt: await catalog.now(), error: { message: 'x' } });
    expect(await catalog.jobs.retry(id)).toMatchObject({ status: 'running', kind: 'travel-plan', payloads: [{ index: 1 }] });
    const job = await catalog.jobs.get(id);
    expect(job?.job).toMatchObject({ status: 'running', finished_at: null, error: null });
    expect(job?.partitions.map((p) => p.status)).toEqual(['succeeded', 'queued', 'succeeded']);
    expect(await catalog.jobs.retry(id)).toMatchObject({ status: 'running', payloads: [] });
    expect(await catalog.jobs.retry(randomUUID())).toBeNull();
    // The retried partition starts as attempt 2 and may fail again once before its budget of 2 runs out.
    const again = await catalog.partitions.startOne({ jobId: id, index: 1 }, 'w');
    if (!('run' in again)) throw new Error('expected to run');
    expect(again.run.attempt).toBe(2);
    const failed = await catalog.partitions.fail({
      jobId: id,
      index: 1,
      attempt: 2,
      error: { message: 'y', retryable: true },
      handedBack: false,
      maxAttempts: 2,
      runMs: 1,
    });
    expect(failed.final).toBe(false);
  });

  it('lists open partitions with how long a running attempt has been silent, and fails a lost one once', async () => {
    const id = await newJob(2);
    const started = await catalog.partitions.startOne({ jobId: id, index: 0 }, 'w');
    if (!('run' in started)) throw new Error('expected to run');
    await catalog.pool.query(`update partitions set heartbeat_at = clock_timestamp() - interval '1 minute' where job_id = $1 and idx = 0`, [
      id,
    ]);
    const silent = (await catalog.recovery.openPartitions()).filter((p) => p.jobId === id);
    expect(silent.map((p) => [p.index, p.status])).toEqual([
      [0, 'running'],
      [1, 'queued'],
    ]);
    expect(silent[0]!.silentMs).toBeGreaterThan(59_000);
    expect(silent[1]!.silentMs).toBeNull();
    await catalog.partitions.heartbeat({ jobId: id, index: 0, attempt: started.run.attempt });
    expect((await catalog.recovery.openPartitions()).find((p) => p.jobId === id)!.silentMs).toBeLessThan(5_000);
    const lost = { message: 'lost', code: 'PARTITA_ERR_LOST', retryable: true };
    expect(await catalog.partitions.failLost({ jobId: id, index: 0, attempt: started.run.attempt }, lost)).toEqual({
      recorded: true,
      jobComplete: false,
      released: null,
    });
    expect(await catalog.partitions.failLost({ jobId: id, index: 0, attempt: started.run.attempt }, lost)).toEqual({
      recorded: false,
      jobComplete: false,
      released: null,
    });
    expect((await catalog.recovery.openMessages(id))?.payloads).toEqual([{ index: 1 }]);
    expect((await catalog.recovery.openMessages(id, [0]))?.payloads).toEqual([]);
  });

  it('finds jobs recorded but never enqueued, once they are old enough', async () => {
    const id = randomUUID();
    await catalog.jobs.create({
      id,
      kind: 'travel-plan',
      spec: {},
      output: { container: 'c', prefix: 'p' },
      itemsTotal: 1,
      partitions: [],
    });
    expect(await catalog.recovery.jobsNotEnqueued(0)).toContain(id);
    expect(await catalog.recovery.jobsNotEnqueued(60_000)).not.toContain(id);
    await catalog.jobs.markEnqueued(id);
    expect(await catalog.recovery.jobsNotEnqueued(0)).not.toContain(id);
  });

  it('tells a repeated idempotency key with the same spec from one with another spec', async () => {
    const key = randomUUID();
    const job = (spec: unknown) => ({
      id: randomUUID(),
      kind: 'travel-plan',
      spec,
      output: { container: 'c', prefix: 'p' },
      itemsTotal: 0,
      partitions: [],
      idempotencyKey: key,
    });
    const first = await catalog.jobs.create(job({ a: 1, b: [1, 2] }));
    expect(first).toMatchObject({ created: true, sameSpec: true });
    expect(await catalog.jobs.create(job({ b: [1, 2], a: 1 }))).toEqual({ id: first.id, status: 'queued', created: false, sameSpec: true });
    expect(await catalog.jobs.create(job({ a: 2 }))).toMatchObject({ id: first.id, created: false, sameSpec: false });
    expect(await catalog.jobs.byIdempotencyKey(key)).toEqual({ id: first.id, status: 'queued', spec: { a: 1, b: [1, 2] } });
  });

  it('runs a named pass in one process at a time', async () => {
    let inner: boolean | undefined;
    const outer = await catalog.locks.exclusively('pass', async () => {
      const other = new Catalog({ connectionString: DATABASE_URL, schema });
      try {
        inner = await other.locks.exclusively('pass', async () => undefined);
      } finally {
        await other.close();
      }
    });
    expect([outer, inner]).toEqual([true, false]);
    expect(await catalog.locks.exclusively('pass', async () => undefined)).toBe(true);
  });

  it('a job ends once: a second finisher and a cancelled job are refused', async () => {
    const id = await newJob(1);
    const now = await catalog.now();
    expect(await catalog.jobs.finish(id, { status: 'failed', finishedAt: now, error: { message: 'x' } })).toBe(true);
    expect(await catalog.jobs.finish(id, { status: 'succeeded', finishedAt: now })).toBe(false);
    expect((await catalog.jobs.cancel(id))?.status).toBe('failed');
    const other = await newJob(2);
    expect(await catalog.jobs.cancel(other)).toEqual({
      status: 'cancelled',
      kind: 'travel-plan',
      queue: 'partitions-travel-plan',
      cancelled: [0, 1],
      changed: true,
    });
    expect(await catalog.partitions.startOne({ jobId: other, index: 0 }, 'w')).toEqual({ skip: 'job-ended' });
    expect(await catalog.jobs.cancel(randomUUID())).toBeNull();
  });

  it('pages through jobs newest first', async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await catalog.jobs.list({ limit: 2, cursor });
      for (const j of page.rows) {
        expect(seen.has(j.id)).toBe(false);
        seen.add(j.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const total = await catalog.pool.query<{ n: number }>('select count(*)::int as n from jobs');
    expect(seen.size).toBe(total.rows[0]!.n);
  });
});
