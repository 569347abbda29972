import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { JobView, PartitionView } from '@partita/contracts';
import { readAttempts } from '../support/results.js';
import { useStack, type TestStack } from '../support/stack.js';
import { expectSameOutput, extractKey, travelKey, type RowKey } from './expect-output.js';
import { useSourceTable } from './source-table.js';
import { extractSpec, travelSpec } from './specs.js';
import { until, waitForJobWithLiveWorkers } from './watch.js';

/** A partition's queue lock lasts 2 s without renewal: a dead worker's partition is taken over soon after. */
const STACK = { workers: 2, env: { LOCK_DURATION_MS: '2000' } };

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

/**
 * Runs `spec` clean, then again with w1 killed (SIGKILL) once `caught` says a partition of w1 is far enough in; the
 * survivor w2 must take the partition over and the output must be the clean run's.
 */
async function killMidPartition(
  stack: TestStack,
  spec: unknown,
  caught: (p: PartitionView) => boolean,
  key: RowKey,
  exact: boolean,
): Promise<{ job: JobView; victim: number }> {
  const clean = await stack.waitForJob(await stack.submit(spec));
  const [w1, w2] = stack.workerProcesses as [ChildProcess, ChildProcess]; // started as w1 and w2
  const id = await stack.submit(spec);
  const victim = await until('a partition running on w1', async () =>
    (await stack.getJob(id)).partitions.find((p) => p.status === 'running' && p.workerId === 'w1' && caught(p)),
  );
  await killed(w1);
  const job = await waitForJobWithLiveWorkers(stack, id, 60_000, [w2]);
  await expectSameOutput(stack, job, clean, key, { exact });

  // Taken over once the lock expired: the last attempt is w2's, the killed one was not the partition's failure.
  const retaken = job.partitions.find((p) => p.index === victim.index)!;
  expect(retaken).toMatchObject({ status: 'succeeded', workerId: 'w2' });
  expect(retaken.attempts).toBeGreaterThanOrEqual(2);
  const attempts = (await readAttempts(stack, id)).filter((a) => a.index === victim.index);
  expect(attempts).toHaveLength(retaken.attempts);
  expect(attempts[0]).toMatchObject({ workerId: 'w1' });
  expect(['abandoned', 'lost']).toContain(attempts[0]!.outcome);
  expect(attempts.at(-1)).toMatchObject({ workerId: 'w2', outcome: 'succeeded' });
  return { job, victim: victim.index };
}

describe('a worker killed with SIGKILL in the middle of a travel partition', () => {
  const ctx = useStack(STACK);

  it('another worker takes the partition over once its lock expires; the output is the clean run', { timeout: 90_000 }, async () => {
    const { stack } = ctx;
    await killMidPartition(stack, travelSpec(stack.container, 'fault-kill'), () => true, travelKey, false);
  });
});

describe('a worker killed with SIGKILL in the middle of an extract chunk', () => {
  const source = useSourceTable(200_000);
  const ctx = useStack(STACK);

  it('another worker reruns the chunk once its lock expires; the output is the clean run', { timeout: 90_000 }, async () => {
    const { stack } = ctx;
    const spec = extractSpec(stack.container, 'fault-kill', source.table, `kill-${source.schema}`, 2);
    // Killed mid-COPY: the chunk has streamed rows (and committed files) by then.
    const { job } = await killMidPartition(stack, spec, (p) => p.itemsDone > 0, extractKey('id'), true);
    expect(job.extract?.completeness).toEqual({ sourceRows: 200_000, rowsWritten: 200_000, complete: true });
  });
});
