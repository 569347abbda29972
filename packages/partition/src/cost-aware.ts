import { listsFromAssignment } from './assignment.js';
import { MinLoadHeap } from './min-load-heap.js';
import { assertCosts, assertPartitionCount } from './validate.js';

/**
 * Item indices ordered by cost, largest first; equal costs keep ascending index order.
 */
export function byDescendingCost(costs: readonly number[]): Uint32Array {
  const order = new Uint32Array(costs.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => costs[b]! - costs[a]! || a - b);
}

/**
 * Cost-aware partitioning by LPT (Longest Processing Time first, Graham 1969):
 * items are taken in order of decreasing cost (equal costs by ascending index)
 * and each goes to the currently least-loaded partition (ties: lowest partition
 * index). Runs in O(m log m + m log n) for m items and n partitions.
 *
 * Guarantees, with OPT the best possible makespan (largest partition load):
 * - makespan ≤ total/n + (1 − 1/n)·maxCost (holds for any list scheduling), and
 * - makespan ≤ (4/3 − 1/(3n))·OPT (LPT specifically).
 *
 * Zero-cost items all join whichever partition is least loaded when they come up.
 *
 * @param costs  estimated work per item, each finite and ≥ 0; item i is index i.
 * @param n      number of partitions, a positive integer.
 * @returns exactly n ascending lists of indices into `costs`.
 */
export function costAwarePartition(costs: readonly number[], n: number): number[][] {
  assertPartitionCount(n);
  assertCosts(costs);
  const order = byDescendingCost(costs);
  const heap = new MinLoadHeap(n);
  const assignment = new Uint32Array(costs.length);
  for (const item of order) assignment[item] = heap.addToLeast(costs[item]!);
  return listsFromAssignment(assignment, n);
}
