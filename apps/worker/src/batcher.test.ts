import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('Batcher', () => {
  it('flushes the first call alone and gathers the calls made meanwhile into the next flush', async () => {
    const batches: number[][] = [];
    const b = new Batcher<number, number>(async (reqs) => {
      batches.push(reqs);
      await tick();
      return reqs.map((r) => r * 10);
    });
    const results = await Promise.all([1, 2, 3, 4].map((n) => b.submit(n)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(await b.submit(5)).toBe(50);
    expect(batches.at(-1)).toEqual([5]);
  });

  it('caps a batch at its size', async () => {
    const sizes: number[] = [];
    const b = new Batcher<number, number>(async (reqs) => {
      sizes.push(reqs.length);
      await tick();
      return reqs;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => b.submit(n)));
    expect(sizes).toEqual([1, 2, 2, 1]);
  });

  it('retries a failed batch one call at a time, so that only the bad call fails', async () => {
    const b = new Batcher<number, number>(async (reqs) => {
      await tick();
      if (reqs.includes(3)) throw new Error(`bad ${reqs.join(',')}`);
      return reqs;
    });
    const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => b.submit(n)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason).toEqual(new Error('bad 3'));
  });
});
