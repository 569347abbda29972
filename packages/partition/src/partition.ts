import { costAwarePartition } from './cost-aware.js';
import { hashPartition } from './hash.js';
import { roundRobinPartition } from './round-robin.js';
import { assertCost, assertPartitionCount } from './validate.js';

/** The available partitioning strategies. */
export type PartitionerName = 'hash' | 'round-robin' | 'cost-aware';

/** Every PartitionerName, in a fixed order. */
export const PARTITIONERS: readonly PartitionerName[] = Object.freeze(['hash', 'round-robin', 'cost-aware'] as const);

/** One unit of work to place in a partition. */
export interface PartitionItem {
  /** Stable identity of the item; the hash partitioner places items by this key. */
  key: string;
  /** Estimated work, finite and ≥ 0 (normally > 0); the cost-aware partitioner balances by it. */
  cost: number;
}

/**
 * Splits `items` into `n` partitions with the named strategy.
 *
 * Returns exactly n lists of indices into items (some may be empty when
 * n > items.length). Each index appears in exactly one list; indices within a
 * list ascend. Pure and deterministic. Costs are validated whichever strategy
 * is chosen, so a bad input fails the same way under every strategy.
 *
 * @param items  the work items; item i is referred to by index i.
 * @param n      number of partitions, a positive integer.
 * @param by     'hash' (by key), 'round-robin' (by position) or 'cost-aware' (LPT by cost).
 */
export function partition(items: readonly PartitionItem[], n: number, by: PartitionerName): number[][] {
  assertPartitionCount(n);
  for (let i = 0; i < items.length; i++) assertCost(items[i]!.cost, i);
  switch (by) {
    case 'hash':
      return hashPartition(
        items.map((item) => item.key),
        n,
      );
    case 'round-robin':
      return roundRobinPartition(items.length, n);
    case 'cost-aware':
      return costAwarePartition(
        items.map((item) => item.cost),
        n,
      );
    default:
      throw new RangeError(`unknown partitioner ${JSON.stringify(by)}; expected one of ${PARTITIONERS.join(', ')}`);
  }
}
