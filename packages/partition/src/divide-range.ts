import { assertCount, assertPartitionCount } from './validate.js';

/**
 * Splits the integer range [0, total) into n contiguous half-open parts
 * [start, end) whose sizes differ by at most one; the first `total mod n` parts
 * get the extra element. When n > total the trailing parts are empty
 * ([total, total)). Unlike toRanges, `end` here is exclusive.
 *
 * @param total  size of the range, a non-negative integer.
 * @param n      number of parts, a positive integer.
 */
export function divideRange(total: number, n: number): Array<[start: number, end: number]> {
  assertCount(total, 'range total');
  assertPartitionCount(n);
  const base = Math.floor(total / n);
  const extra = total % n;
  const parts = new Array<[start: number, end: number]>(n);
  let start = 0;
  for (let p = 0; p < n; p++) {
    const end = start + base + (p < extra ? 1 : 0);
    parts[p] = [start, end];
    start = end;
  }
  return parts;
}
