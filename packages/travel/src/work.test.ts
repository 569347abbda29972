import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS } from './params.js';
import type { OptimizerParams } from './params.js';
import { estimateGroupWork } from './work.js';

describe('estimateGroupWork', () => {
  it('is strictly increasing in size for every algorithm', () => {
    for (const algorithm of ALGORITHMS) {
      let previous = 0;
      for (let size = 1; size <= 60; size++) {
        const work = estimateGroupWork(size, { algorithm });
        expect(work).toBeGreaterThan(previous);
        previous = work;
      }
    }
  });

  it('is monotone in size for arbitrary params and flight counts', () => {
    const params = fc.record(
      {
        restarts: fc.integer({ min: 1, max: 20 }),
        guesses: fc.integer({ min: 1, max: 5000 }),
        popsize: fc.integer({ min: 1, max: 200 }),
        maxiter: fc.integer({ min: 0, max: 300 }),
        cool: fc.double({ min: 0.5, max: 0.999, noNaN: true }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...ALGORITHMS),
        params,
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 50 }),
        (algorithm, p: OptimizerParams, a, b, flights) => {
          const [small, large] = a <= b ? [a, b] : [b, a];
          const options = { algorithm, params: p };
          expect(estimateGroupWork(small, options, flights)).toBeLessThanOrEqual(estimateGroupWork(large, options, flights));
        },
      ),
    );
  });

  it('scales with restarts and, for exact, with flights per route', () => {
    const once = estimateGroupWork(10, { algorithm: 'genetic' });
    expect(estimateGroupWork(10, { algorithm: 'genetic', params: { restarts: 4 } })).toBeCloseTo(4 * once);
    expect(estimateGroupWork(10, { algorithm: 'exact' }, 50)).toBeGreaterThan(estimateGroupWork(10, { algorithm: 'exact' }, 10));
  });

  it('grows hill climbing super-linearly', () => {
    const ratio = estimateGroupWork(30, { algorithm: 'hillclimb' }) / estimateGroupWork(10, { algorithm: 'hillclimb' });
    expect(ratio).toBeGreaterThan(9);
  });

  it('rejects invalid sizes and params', () => {
    expect(() => estimateGroupWork(0, { algorithm: 'exact' })).toThrow(RangeError);
    expect(() => estimateGroupWork(5, { algorithm: 'exact' }, 0)).toThrow(RangeError);
    expect(() => estimateGroupWork(5, { algorithm: 'annealing', params: { cool: 2 } })).toThrow(/cool/);
  });
});
