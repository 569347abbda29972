import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makespanLowerBound, partitionWork, simulateMakespan, topShare } from './makespan.js';

const work = fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 60 });

describe('simulateMakespan', () => {
  it('is the sum of the work on one worker, and the largest partition when every partition has a worker', () => {
    expect(simulateMakespan([3, 1, 2], 1)).toBe(6);
    expect(simulateMakespan([3, 1, 2], 3)).toBe(3);
    expect(simulateMakespan([3, 1, 2], 8)).toBe(3);
  });

  it('takes partitions in queue order: a large one last leaves the other worker idle', () => {
    expect(simulateMakespan([1, 1, 2], 2)).toBe(3);
    expect(simulateMakespan([2, 1, 1], 2)).toBe(2);
  });

  it('gives each partition to the worker free first', () => {
    // w1: 5; w2: 1, 1, 1, then the 4 (free at 3, before w1 at 5) → 7.
    expect(simulateMakespan([5, 1, 1, 1, 4], 2)).toBe(7);
  });

  it('lies between the lower bound and list scheduling’s bound total/workers + largest', () => {
    fc.assert(
      fc.property(work, fc.integer({ min: 1, max: 9 }), (w, workers) => {
        const makespan = simulateMakespan(w, workers);
        const total = w.reduce((s, x) => s + x, 0);
        expect(makespan).toBeGreaterThanOrEqual(makespanLowerBound(w, workers) * (1 - 1e-12));
        expect(makespan).toBeLessThanOrEqual((total / workers + Math.max(...w)) * (1 + 1e-12));
      }),
    );
  });

  it('rejects a bad worker count or work', () => {
    expect(() => simulateMakespan([1], 0)).toThrow(RangeError);
    expect(() => simulateMakespan([1], 1.5)).toThrow(RangeError);
    expect(() => simulateMakespan([-1], 1)).toThrow(RangeError);
    expect(() => simulateMakespan([Number.NaN], 1)).toThrow(RangeError);
  });
});

describe('makespanLowerBound', () => {
  it('is the even share of the total, or the largest group when that is larger', () => {
    expect(makespanLowerBound([1, 1, 1, 1], 2)).toBe(2);
    expect(makespanLowerBound([10, 1, 1], 2)).toBe(10);
    expect(makespanLowerBound([4, 2], 1)).toBe(6);
  });
});

describe('topShare', () => {
  it('is the share of the largest ⌈fraction·n⌉ items', () => {
    const w = [...Array<number>(99).fill(1), 10];
    expect(topShare(w, 0.01)).toBeCloseTo(10 / 109, 12);
    expect(topShare([1, 1, 1], 0.01)).toBeCloseTo(1 / 3, 12); // ⌈0.03⌉ = 1 item
    expect(topShare([5, 1, 3, 1], 0.5)).toBeCloseTo(8 / 10, 12);
    expect(topShare([2, 2], 1)).toBe(1);
  });

  it('rejects an empty population, no work or a bad fraction', () => {
    expect(() => topShare([], 0.01)).toThrow(RangeError);
    expect(() => topShare([0, 0], 0.01)).toThrow(RangeError);
    expect(() => topShare([1], 0)).toThrow(RangeError);
    expect(() => topShare([1], 1.5)).toThrow(RangeError);
  });
});

describe('partitionWork', () => {
  it('sums each partition’s groups', () => {
    expect(partitionWork([[0, 2], [1], []], [1, 2, 4])).toEqual([5, 2, 0]);
  });

  it('rejects a group without a measurement', () => {
    expect(() => partitionWork([[3]], [1, 2])).toThrow(RangeError);
  });
});
