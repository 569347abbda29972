import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
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

async function untilRunning(stack: TestStack, id: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const job = await stack.getJob(id);
    if (job.partitions.some((p) => p.status === 'running')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no partition started');
}

describe('a worker sent SIGTERM mid-partition', () => {
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
    expect(job.partitions.every((p) => p.attempts === 1)).toBe(true);
  });

  it('past the grace period, hands its partition back without spending an attempt; the result is still exact', async () => {
    const { stack } = ctx;
    const first = await stack.startWorkerProcess('first', { SHUTDOWN_TIMEOUT_MS: '100' });
    await waitForWorkers(stack.prefix, 1);
    const id = await stack.submit({ ...slowSpec(stack.container), retry: { attempts: 1, backoffMs: 0 } });
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
    const files = await stack.store.list(stack.container, `shutdown/${id}/`);
    expect(files.map((f) => f.path).filter((p) => p.endsWith('.parquet'))).toHaveLength(4);
  });
});
