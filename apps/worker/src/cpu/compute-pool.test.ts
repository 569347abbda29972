import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { importKinds } from '@partita/kinds';
import { createComputePool, type ComputePool } from './compute-pool.js';

const PROBE = fileURLToPath(new URL('../../../../test/fixtures/kinds/warm-probe.mjs', import.meta.url));

describe('the CPU pool', () => {
  let pool: ComputePool | undefined;
  afterEach(async () => void (await pool?.close()));

  it('warms every thread before the first task: each has loaded the kind and run its warm-up tasks', async () => {
    const kind = (await importKinds(PROBE))[0]!.kind;
    pool = createComputePool(2);
    await pool.warm(kind.warmUp!().map((task: unknown) => ({ module: PROBE, kind: 'warm-probe', task })));
    const answers = (await Promise.all([1, 2].map((n) => pool!.run({ module: PROBE, kind: 'warm-probe', task: n })))) as Array<{
      threadId: number;
      calls: number;
    }>;
    // Two threads, each at its third call: two warm-up tasks, then this one.
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(2);
    expect(answers.map((a) => a.calls)).toEqual([3, 3]);
  });

  it('warms a kind without warm-up tasks by loading its module only', async () => {
    pool = createComputePool(1);
    await pool.warm([{ module: PROBE, kind: 'warm-probe', task: null, loadOnly: true }]);
    expect(await pool.run({ module: PROBE, kind: 'warm-probe', task: 1 })).toMatchObject({ calls: 1 });
  });
});
