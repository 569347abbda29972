/**
 * Compact encoding of a sorted list of item indices as inclusive ranges, to keep
 * queue payloads small: [3, 4, 5, 9] ⇄ [[3, 5], [9, 9]].
 */

/** An inclusive range of item indices: [first, last]. */
export type IndexRange = [first: number, last: number];

function assertIndex(value: number, where: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${where} must be a non-negative integer, got ${String(value)}`);
  }
}

/**
 * Collapses runs of consecutive indices into inclusive ranges.
 *
 * @param sortedIndices  strictly ascending non-negative integers (no duplicates).
 * @returns the fewest inclusive ranges covering exactly those indices, ascending.
 */
export function toRanges(sortedIndices: readonly number[]): IndexRange[] {
  const ranges: IndexRange[] = [];
  let previous = -1;
  for (let i = 0; i < sortedIndices.length; i++) {
    const index = sortedIndices[i]!;
    assertIndex(index, `index at position ${i}`);
    if (index <= previous) {
      throw new RangeError(`indices must be strictly ascending: ${index} follows ${previous} at position ${i}`);
    }
    const last = ranges[ranges.length - 1];
    if (last !== undefined && index === previous + 1) last[1] = index;
    else ranges.push([index, index]);
    previous = index;
  }
  return ranges;
}

/**
 * Expands inclusive ranges back into the ascending index list.
 *
 * @param ranges  inclusive [first, last] pairs with first ≤ last, in ascending
 *                order and not overlapping (adjacent ranges are fine).
 */
export function fromRanges(ranges: readonly (readonly [number, number])[]): number[] {
  const indices: number[] = [];
  let previous = -1;
  for (let r = 0; r < ranges.length; r++) {
    const [first, last] = ranges[r]!;
    assertIndex(first, `start of range ${r}`);
    assertIndex(last, `end of range ${r}`);
    if (last < first) throw new RangeError(`range ${r} is reversed: [${first}, ${last}]`);
    if (first <= previous) {
      throw new RangeError(`ranges must be ascending and disjoint: range ${r} starts at ${first}, at or before ${previous}`);
    }
    for (let i = first; i <= last; i++) indices.push(i);
    previous = last;
  }
  return indices;
}
