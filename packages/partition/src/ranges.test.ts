import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromRanges, toRanges } from './ranges.js';

const sortedIndices = fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { maxLength: 200 }).map((indices) => indices.sort((a, b) => a - b));

describe('toRanges / fromRanges', () => {
  it('encodes runs as inclusive ranges', () => {
    expect(toRanges([3, 4, 5, 9])).toEqual([
      [3, 5],
      [9, 9],
    ]);
    expect(
      fromRanges([
        [3, 5],
        [9, 9],
      ]),
    ).toEqual([3, 4, 5, 9]);
    expect(toRanges([])).toEqual([]);
  });

  it('round-trips any sorted index list', () => {
    fc.assert(
      fc.property(sortedIndices, (indices) => {
        expect(fromRanges(toRanges(indices))).toEqual(indices);
      }),
    );
  });

  it('produces the fewest ranges: each is well formed and separated from the next by a gap', () => {
    fc.assert(
      fc.property(sortedIndices, (indices) => {
        const ranges = toRanges(indices);
        for (const [first, last] of ranges) expect(first).toBeLessThanOrEqual(last);
        for (let r = 1; r < ranges.length; r++) expect(ranges[r]![0]).toBeGreaterThan(ranges[r - 1]![1] + 1);
      }),
    );
  });

  it('rejects unsorted, duplicate or negative indices', () => {
    expect(() => toRanges([2, 1])).toThrow(RangeError);
    expect(() => toRanges([1, 1])).toThrow(RangeError);
    expect(() => toRanges([-1])).toThrow(RangeError);
    expect(() => toRanges([0.5])).toThrow(RangeError);
  });

  it('rejects reversed, overlapping or out-of-order ranges', () => {
    expect(() => fromRanges([[5, 3]])).toThrow(RangeError);
    expect(() =>
      fromRanges([
        [1, 5],
        [5, 7],
      ]),
    ).toThrow(RangeError);
    expect(() =>
      fromRanges([
        [8, 9],
        [1, 2],
      ]),
    ).toThrow(RangeError);
    expect(
      fromRanges([
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([1, 2, 3, 4]);
  });
});
