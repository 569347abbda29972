import { assertCount, assertPartitionCount } from './validate.js';

/**
 * Round-robin partitioning: item i goes to partition `i mod n`. Partition sizes
 * differ by at most one; item costs are ignored.
 *
 * @param count  number of items, a non-negative integer.
 * @param n      number of partitions, a positive integer.
 * @returns exactly n ascending lists of item indices.
 */
export function roundRobinPartition(count: number, n: number): number[][] {
  assertCount(count, 'item count');
  assertPartitionCount(n);
  const lists: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < count; i++) lists[i % n]!.push(i);
  return lists;
}
