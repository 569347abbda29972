import { describe, expect, it } from 'vitest';
import { Manifest, type JobView } from '@partita/contracts';
import { partitionMessages } from '../support/isolation.js';
import { useStack } from '../support/stack.js';

describe('noop jobs: the platform without any work in the way', () => {
  const ctx = useStack({ workers: 2, workerMode: 'in-process', env: { WORKER_CONCURRENCY: '8', MAX_PARTITIONS_PER_JOB: '500' } });

  it('run every partition once, record each attempt, and finish with a manifest that names no files', async () => {
    const { stack } = ctx;
    const id = await stack.submit({ kind: 'noop', partitions: 300, sleepMs: 2, output: { container: stack.container, prefix: 'probe' } });
    const job = await stack.waitForJob(id);
    expect(job.status).toBe('succeeded');
    expect(job.progress).toMatchObject({ total: 300, succeeded: 300, itemsDone: 300, itemsTotal: 300 });
    expect(job.partitions.every((p) => p.status === 'succeeded' && p.attempts === 1 && p.files.length === 0)).toBe(true);
    // Both in-process workers took partitions: started and ended through the catalog in batches, not one by one.
    expect(new Set(job.partitions.map((p) => p.workerId)).size).toBe(2);
    expect(job.timings.sumPartitionMs).toBeGreaterThanOrEqual(300 * 2);
    const { rows } = await stack.master.catalog.pool.query<{ outcome: string; n: number }>(
      'select outcome, count(*)::int as n from attempts where job_id = $1 group by outcome',
      [id],
    );
    expect(rows).toEqual([{ outcome: 'succeeded', n: 300 }]);
    const manifest = Manifest.parse(JSON.parse((await stack.store.get(stack.container, job.output.manifest!)).toString()));
    expect(manifest).toMatchObject({ kind: 'noop', files: [], rows: 0, schema: [] });
    expect((await partitionMessages(stack.prefix, 'noop')).every((m) => m.finishedOn !== undefined)).toBe(true);
  });

  it('answer GET /jobs/:id?wait=N when the job ends, or after N seconds with its state, or at once once it has ended', async () => {
    const { stack } = ctx;
    const get = async (id: string, query: string) => {
      const t0 = performance.now();
      const res = await fetch(`${stack.baseUrl}/jobs/${id}${query}`);
      return { status: res.status, body: (await res.json()) as { status: string; issues?: unknown }, ms: performance.now() - t0 };
    };
    const quick = await stack.submit({ kind: 'noop', partitions: 4, sleepMs: 200, output: { container: stack.container } });
    const ended = await get(quick, '?wait=25');
    expect(ended.body.status).toBe('succeeded');
    // Answered at its end, not at the deadline.
    expect(ended.ms).toBeLessThan(10_000);
    const again = await get(quick, '?wait=25');
    expect(again.body.status).toBe('succeeded');

    const slow = await stack.submit({ kind: 'noop', partitions: 1, sleepMs: 4000, output: { container: stack.container } });
    const pending = await get(slow, '?wait=1');
    expect(['queued', 'running']).toContain(pending.body.status);
    expect(pending.ms).toBeGreaterThanOrEqual(950);
    // A cancel ends it: the waiter hears of it.
    const waiting = get(slow, '?wait=25');
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${stack.baseUrl}/jobs/${slow}`, { method: 'DELETE' })).status).toBe(200);
    expect((await waiting).body.status).toBe('cancelled');

    const tooLong = await get(slow, '?wait=26');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.issues).toEqual([{ path: 'querystring.wait', message: expect.stringMatching(/25/) }]);
  });

  it('run at most maxConcurrency partitions of a job at once, on many free slots, and release the next as each ends', async () => {
    const { stack } = ctx;
    const id = await stack.submit({
      kind: 'noop',
      partitions: 20,
      sleepMs: 250,
      maxConcurrency: 3,
      output: { container: stack.container },
    });
    const job = await stack.waitForJob(id);
    expect(job.status).toBe('succeeded');
    expect(job.maxConcurrency).toBe(3);
    const spans = job.partitions.map((p) => [Date.parse(p.startedAt!), Date.parse(p.finishedAt!)] as const);
    const overlap = (t: number) => spans.filter(([start, end]) => start <= t && t < end).length;
    const most = Math.max(...spans.map(([start]) => overlap(start)));
    // 16 slots free, 3 at a time: never more, and the cap was used.
    expect(most).toBe(3);
    // ceil(20 / 3) rounds of 250 ms, one after another.
    const first = Math.min(...spans.map(([start]) => start));
    const last = Math.max(...spans.map(([, end]) => end));
    expect(last - first).toBeGreaterThanOrEqual(7 * 250 - 50);
    expect(job.partitions.every((p) => p.attempts === 1)).toBe(true);

    // Cancelled, a capped job ends at once: its held partitions are cancelled with it and never run.
    const capped = await stack.submit({
      kind: 'noop',
      partitions: 6,
      sleepMs: 1500,
      maxConcurrency: 1,
      output: { container: stack.container },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${stack.baseUrl}/jobs/${capped}`, { method: 'DELETE' })).status).toBe(200);
    const cancelled = (await (await fetch(`${stack.baseUrl}/jobs/${capped}?wait=10`)).json()) as JobView;
    expect(cancelled.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 1800));
    const after = (await (await fetch(`${stack.baseUrl}/jobs/${capped}`)).json()) as JobView;
    expect(after.partitions.filter((p) => p.startedAt !== null).length).toBeLessThanOrEqual(1);
    expect(
      await partitionMessages(stack.prefix, 'noop').then((ms) => ms.filter((m) => m.id?.startsWith(capped) && m.finishedOn === undefined)),
    ).toEqual([]);
  });

  it('refuse more partitions than the master allows, naming the field and the limit', async () => {
    const res = await fetch(`${ctx.stack.baseUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'noop', partitions: 501 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: Array<{ path: string; message: string }> };
    expect(body.issues).toEqual([{ path: 'partitions', message: expect.stringContaining('MAX_PARTITIONS_PER_JOB') as string }]);
    expect(await partitionMessages(ctx.stack.prefix, 'noop')).toEqual([]);
  });
});
