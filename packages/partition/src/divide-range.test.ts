import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideRange } from './divide-range.js';

describe('divideRange', () => {
  it('gives the extra elements to the first parts', () => {
    expect(divideRange(10, 3)).toEqual([
      [0, 4],
      [4, 7],
      [7, 10],
    ]);
    expect(divideRange(2, 4)).toEqual([
      [0, 1],
      [1, 2],
      [2, 2],
      [2, 2],
    ]);
  });

  it('covers [0, total) with n contiguous, non-overlapping parts whose sizes differ by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 500 }), (total, n) => {
        const parts = divideRange(total, n);
        expect(parts).toHaveLength(n);
        let expectedStart = 0;
        for (const [start, end] of parts) {
          expect(start).toBe(expectedStart);
          expect(end).toBeGreaterThanOrEqual(start);
          expectedStart = end;
        }
        expect(expectedStart).toBe(total);
        const sizes = parts.map(([start, end]) => end - start);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (let p = 1; p < n; p++) expect(sizes[p]!).toBeLessThanOrEqual(sizes[p - 1]!);
      }),
    );
  });

  it('rejects a bad total or part count', () => {
    expect(() => divideRange(-1, 2)).toThrow(RangeError);
    expect(() => divideRange(10, 0)).toThrow(RangeError);
    expect(() => divideRange(10, 1.5)).toThrow(RangeError);
  });
});
