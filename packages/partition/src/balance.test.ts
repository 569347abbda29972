import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balance } from './balance.js';

describe('balance', () => {
  it('reports loads, makespan, lower bound and ratio', () => {
    expect(
      balance(
        [4, 1, 1, 2],
        [
          [0, 1],
          [2, 3],
        ],
      ),
    ).toEqual({ loads: [5, 3], makespan: 5, lowerBound: 4, ratio: 1.25 });
    // The largest single item can dominate the lower bound.
    expect(balance([10, 1, 1], [[0], [1], [2]])).toEqual({ loads: [10, 1, 1], makespan: 10, lowerBound: 10, ratio: 1 });
  });

  it('reports ratio 1 when there is no work', () => {
    expect(balance([], [[], []]).ratio).toBe(1);
    expect(balance([0, 0], [[0, 1], []]).ratio).toBe(1);
  });

  it('never reports a makespan below the lower bound, and loads add up to the total', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 10 })
          .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.nat({ max: n - 1 }))))),
        ([n, items]) => {
          const costs = items.map(([cost]) => cost);
          const plan: number[][] = Array.from({ length: n }, () => []);
          items.forEach(([, p], i) => plan[p]!.push(i));
          const result = balance(costs, plan);
          expect(result.loads.reduce((a, b) => a + b, 0)).toBe(costs.reduce((a, b) => a + b, 0));
          expect(result.makespan).toBe(Math.max(...result.loads));
          expect(result.makespan).toBeGreaterThanOrEqual(result.lowerBound);
          expect(result.ratio).toBeGreaterThanOrEqual(1);
        },
      ),
    );
  });

  it('rejects a plan that is not an exact cover of the items', () => {
    expect(() => balance([1, 1], [[0]])).toThrow(/does not assign item 1/);
    expect(() => balance([1, 1], [[0, 1], [1]])).toThrow(/more than once/);
    expect(() => balance([1, 1], [[0, 1, 2]])).toThrow(RangeError);
    expect(() => balance([1], [])).toThrow(RangeError);
    expect(() => balance([-1], [[0]])).toThrow(RangeError);
  });
});
