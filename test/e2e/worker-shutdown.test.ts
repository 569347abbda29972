import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { JobView } from '@partita/contracts';
import { readAttempts, readSortedResult } from '../support/results.js';
import { useStack, waitForWorkers, type TestStack } from '../support/stack.js';

const exitOf = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

/** Partitions of real work (about a second each on one core). */
const slowSpec = (container: string) => ({
  kind: 'travel-plan',
  input: { generate: { groups: 120, seed: 3 } },
  optimizer: { algorithm: 'genetic', restarts: 12 },
  partitioner: 'round-robin',
  partitions: 4,
  output: { container, prefix: 'shutdown' },
});

/**
 * The job that went through the shutdown gave exactly the output of a clean run of the same spec (run afterwards by
 * the remaining worker and one more): every file its manifest names, nothing else in its directory, no traveller twice.
 */
async function expectCleanRunOutput(stack: TestStack, job: JobView, spec: unknown): Promise<void> {
  await stack.startWorkerProcess('third');
  await stack.waitForWorkers(2);
  const clean = await stack.waitForJob(await stack.submit(spec));
  expect(clean.status, JSON.stringify(clean.error)).toBe('succeeded');
  const got = await readSortedResult(stack, job);
  const want = await readSortedResult(stack, clean);
  expect(got.listed).toEqual([...got.manifest.files.map((f) => f.path), job.output.manifest!].sort());
  const travellers = got.rows.map((r) => `${String(r['group_id'])}/${String(r['person'])}`);
  expect(new Set(travellers).size).toBe(travellers.length);
  expect(got.rows.length).toBeGreaterThan(0);
  expect(got.rows).toEqual(want.rows);
}

async function untilRunning(stack: TestStack, id: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const job = await stack.getJob(id);
    if (job.partitions.some((p) => p.status === 'running')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no partition started');
}

// Each case also runs a clean job of the same spec to compare outputs with.
describe('a worker sent SIGTERM mid-partition', { timeout: 90_000 }, () => {
  const ctx = useStack({ workers: 0 });

  it('finishes its partition within the grace period, exits cleanly, and nothing runs twice', async () => {
    const { stack } = ctx;
    const first = await stack.startWorkerProcess('first', { SHUTDOWN_TIMEOUT_MS: '60000' });
    await waitForWorkers(stack.prefix, 1);
    const id = await stack.submit(slowSpec(stack.container));
    await untilRunning(stack, id);
    first.kill('SIGTERM');
    expect(await exitOf(first)).toEqual({ code: 0, signal: null });
    const afterFirst = await stack.getJob(id);
    const byFirst = afterFirst.partitions.filter((p) => p.workerId === 'first');
    expect(byFirst.length).toBeGreaterThanOrEqual(1);
    expect(byFirst.every((p) => p.status === 'succeeded')).toBe(true);

    await stack.startWorkerProcess('second');
    const job = await stack.waitForJob(id);
    expect(job.status).toBe('succeeded');
    // No partition ran more than once: the one in flight finished within the grace, the rest waited for `second`.
    expect(job.partitions.map((p) => p.attempts)).toEqual([1, 1, 1, 1]);
    expect((await readAttempts(stack, id)).map((a) => a.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    await expectCleanRunOutput(stack, job, slowSpec(stack.container));
  });

  it('past the grace period, hands its partition back without spending an attempt; the result is still exact', async () => {
    const { stack } = ctx;
    const first = await stack.startWorkerProcess('first', { SHUTDOWN_TIMEOUT_MS: '100' });
    await waitForWorkers(stack.prefix, 1);
    const spec = { ...slowSpec(stack.container), retry: { attempts: 1, backoffMs: 0 } };
    const id = await stack.submit(spec);
    await untilRunning(stack, id);
    first.kill('SIGTERM');
    expect((await exitOf(first)).code).toBe(0);
    const handedBack = (await stack.getJob(id)).partitions.find((p) => p.workerId === 'first' && p.status !== 'succeeded');
    expect(handedBack?.status).toBe('queued');

    await stack.startWorkerProcess('second');
    const job = await stack.waitForJob(id);
    // With a single attempt allowed, the job can only succeed if the hand-back did not count as one.
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const retaken = job.partitions.find((p) => p.index === handedBack!.index)!;
    expect(retaken).toMatchObject({ status: 'succeeded', workerId: 'second', attempts: 2 });
    // Only the handed-back partition ran twice, and its first attempt is recorded as handed back, not as a failure.
    expect(job.partitions.filter((p) => p.index !== retaken.index).map((p) => p.attempts)).toEqual([1, 1, 1]);
    const attempts = await readAttempts(stack, id);
    expect(attempts.filter((a) => a.index === retaken.index)).toMatchObject([
      { attempt: 1, workerId: 'first', outcome: 'handed-back' },
      { attempt: 2, workerId: 'second', outcome: 'succeeded' },
    ]);
    expect(attempts.filter((a) => a.outcome === 'failed')).toEqual([]);
    await expectCleanRunOutput(stack, job, spec);
  });
});
