import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balance } from './balance.js';
import { costAwarePartition } from './cost-aware.js';

/** Smallest achievable makespan, by trying every assignment of items to n partitions. */
function optimalMakespan(costs: readonly number[], n: number): number {
  const loads = new Array<number>(n).fill(0);
  let best = Infinity;
  const place = (item: number, current: number): void => {
    if (current >= best) return;
    if (item === costs.length) {
      best = current;
      return;
    }
    for (let p = 0; p < n; p++) {
      loads[p]! += costs[item]!;
      place(item + 1, Math.max(current, loads[p]!));
      loads[p]! -= costs[item]!;
    }
  };
  place(0, 0);
  return best;
}

function makespanOf(costs: readonly number[], plan: number[][]): number {
  return Math.max(...plan.map((list) => list.reduce((sum, i) => sum + costs[i]!, 0)));
}

describe('costAwarePartition', () => {
  it('places largest first on the least-loaded partition, ties to the lowest index', () => {
    expect(costAwarePartition([5, 5, 5, 5], 2)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    // Order 9, 8, 3, 1: 9 -> p0, 8 -> p1, 3 -> p1 (8 < 9), 1 -> p0 (9 < 11).
    expect(costAwarePartition([1, 9, 3, 8], 2)).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('matches a naive LPT that scans every partition for the least-loaded one', () => {
    const naive = (costs: readonly number[], n: number): number[][] => {
      const order = costs.map((_, i) => i).sort((a, b) => costs[b]! - costs[a]! || a - b);
      const loads = new Array<number>(n).fill(0);
      const plan: number[][] = Array.from({ length: n }, () => []);
      for (const item of order) {
        let least = 0;
        for (let p = 1; p < n; p++) if (loads[p]! < loads[least]!) least = p;
        loads[least]! += costs[item]!;
        plan[least]!.push(item);
      }
      return plan.map((list) => list.sort((a, b) => a - b));
    };
    fc.assert(
      fc.property(
        // Few distinct costs, so equal costs and equal loads (the tie-breaking rules) come up often.
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 120 }),
        fc.integer({ min: 1, max: 20 }),
        (costs, n) => {
          expect(costAwarePartition(costs, n)).toEqual(naive(costs, n));
        },
      ),
    );
  });

  it('meets the LPT bound exactly on the classic tight instance', () => {
    // LPT: {3,2,2} | {3,2} has makespan 7 while {3,3} | {2,2,2} has 6; 7/6 = 4/3 - 1/(3*2).
    const costs = [3, 3, 2, 2, 2];
    expect(makespanOf(costs, costAwarePartition(costs, 2))).toBe(7);
    expect(optimalMakespan(costs, 2)).toBe(6);
  });

  it('keeps the largest partition within total/n + (1 - 1/n)·maxCost', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (costs, n) => {
        const makespan = makespanOf(costs, costAwarePartition(costs, n));
        const total = costs.reduce((a, b) => a + b, 0);
        const maxCost = Math.max(0, ...costs);
        // Multiplied through by n so the integer comparison is exact.
        expect(n * makespan).toBeLessThanOrEqual(total + (n - 1) * maxCost);
      }),
    );
  });

  it('keeps the same bound with fractional costs, up to rounding', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (costs, n) => {
          const { makespan } = balance(costs, costAwarePartition(costs, n));
          const total = costs.reduce((a, b) => a + b, 0);
          const bound = total / n + (1 - 1 / n) * Math.max(0, ...costs);
          // Relative tolerance for rounding, absolute for subnormal costs (5e-324 / n underflows to 0).
          expect(makespan).toBeLessThanOrEqual(bound * (1 + 1e-9) + 1e-300);
        },
      ),
    );
  });

  it("is within Graham's (4/3 - 1/(3n))·OPT of the brute-force optimum on small instances", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 9 }),
        fc.integer({ min: 2, max: 3 }),
        (costs, n) => {
          const makespan = makespanOf(costs, costAwarePartition(costs, n));
          const opt = optimalMakespan(costs, n);
          // makespan ≤ (4/3 − 1/(3n))·OPT  ⇔  3n·makespan ≤ (4n − 1)·OPT
          expect(3 * n * makespan).toBeLessThanOrEqual((4 * n - 1) * opt);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles a million items over ten thousand partitions', () => {
    const count = 1_000_000;
    const n = 10_000;
    let state = 12345;
    const costs = Array.from({ length: count }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return 1 + (state % 1000);
    });
    const plan = costAwarePartition(costs, n);
    expect(plan).toHaveLength(n);
    expect(plan.reduce((sum, list) => sum + list.length, 0)).toBe(count);
    const { makespan, lowerBound, ratio } = balance(costs, plan);
    expect(makespan).toBeLessThanOrEqual(lowerBound + 1000);
    expect(ratio).toBeLessThan(1.01);
  });

  it('rejects negative or non-finite costs', () => {
    for (const bad of [-1, NaN, Infinity]) expect(() => costAwarePartition([1, bad], 2)).toThrow(RangeError);
  });
});
