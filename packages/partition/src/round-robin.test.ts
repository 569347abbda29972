import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundRobinPartition } from './round-robin.js';

describe('roundRobinPartition', () => {
  it('sends item i to partition i mod n', () => {
    expect(roundRobinPartition(7, 3)).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
  });

  it('gives partition sizes that differ by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 100 }), (count, n) => {
        const sizes = roundRobinPartition(count, n).map((list) => list.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('rejects a negative or fractional item count', () => {
    expect(() => roundRobinPartition(-1, 2)).toThrow(RangeError);
    expect(() => roundRobinPartition(2.5, 2)).toThrow(RangeError);
  });
});
