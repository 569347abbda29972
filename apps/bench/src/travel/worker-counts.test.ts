import { describe, expect, it } from 'vitest';
import { workerCounts } from './worker-counts.js';

describe('workerCounts', () => {
  it('doubles from one up to the largest count, which is always run', () => {
    expect(workerCounts(1)).toEqual([1]);
    expect(workerCounts(2)).toEqual([1, 2]);
    expect(workerCounts(4)).toEqual([1, 2, 4]);
    expect(workerCounts(8)).toEqual([1, 2, 4, 8]);
    expect(workerCounts(6)).toEqual([1, 2, 4, 6]);
    expect(workerCounts(3)).toEqual([1, 2, 3]);
  });

  it('rejects a count that is not a positive integer', () => {
    expect(() => workerCounts(0)).toThrow(RangeError);
    expect(() => workerCounts(2.5)).toThrow(RangeError);
  });
});
