import { describe, expect, it } from 'vitest';
import { gap, summarise, timing } from './stats.js';

describe('gap', () => {
  it('is cost / optimum − 1', () => {
    expect(gap(150, 100)).toBeCloseTo(0.5, 12);
    expect(gap(100, 100)).toBe(0);
  });

  it('refuses a cost below the optimum and a non-positive optimum', () => {
    expect(() => gap(99, 100)).toThrow(/below the exact optimum/);
    expect(() => gap(10, 0)).toThrow(RangeError);
  });
});

describe('summarise', () => {
  it('gives mean and largest gap, the share on the optimum and the times', () => {
    const s = summarise([
      { cost: 100, optimum: 100, ms: 1 },
      { cost: 120, optimum: 100, ms: 3 },
      { cost: 300, optimum: 200, ms: 2 },
      { cost: 50, optimum: 50, ms: 10 },
    ]);
    expect(s.groups).toBe(4);
    expect(s.meanGap).toBeCloseTo((0 + 0.2 + 0.5 + 0) / 4, 12);
    expect(s.maxGap).toBeCloseTo(0.5, 12);
    expect(s.exactShare).toBe(0.5);
    expect(s.msMedian).toBe(2.5);
    expect(s.msMean).toBe(4);
  });

  it('fails on nothing and on a cost under the optimum', () => {
    expect(() => summarise([])).toThrow(RangeError);
    expect(() => summarise([{ cost: 90, optimum: 100, ms: 1 }])).toThrow(RangeError);
  });
});

describe('timing', () => {
  it('is the median and the mean', () => {
    expect(timing([5, 1, 3])).toEqual({ msMedian: 3, msMean: 3 });
    expect(timing([1, 1, 10])).toEqual({ msMedian: 1, msMean: 4 });
  });
});
