import { assertCosts } from './validate.js';

/** Balance figures for a partition plan. */
export interface Balance {
  /** Total cost assigned to each partition, in partition order. */
  loads: number[];
  /** The largest load: how long the slowest partition takes. */
  makespan: number;
  /** A floor no plan can beat: max(largest single cost, total cost / n). */
  lowerBound: number;
  /** makespan / lowerBound, ≥ 1 up to rounding; 1 when there is no work at all. */
  ratio: number;
}

/**
 * Measures how evenly `plan` spreads `costs`. The plan must be exactly what a
 * partitioner returns for these costs: at least one list, and every item index
 * in [0, costs.length) appearing exactly once.
 *
 * @param costs  estimated work per item, each finite and ≥ 0.
 * @param plan   lists of item indices, one per partition.
 */
export function balance(costs: readonly number[], plan: readonly (readonly number[])[]): Balance {
  assertCosts(costs);
  const n = plan.length;
  if (n < 1) throw new RangeError('plan must contain at least one partition');
  const seen = new Uint8Array(costs.length);
  const loads = new Array<number>(n);
  let makespan = 0;
  for (let p = 0; p < n; p++) {
    let load = 0;
    for (const index of plan[p]!) {
      if (!Number.isInteger(index) || index < 0 || index >= costs.length) {
        throw new RangeError(`plan partition ${p} holds index ${String(index)}, outside [0, ${costs.length})`);
      }
      if (seen[index] === 1) throw new RangeError(`plan assigns item ${index} more than once`);
      seen[index] = 1;
      load += costs[index]!;
    }
    loads[p] = load;
    if (load > makespan) makespan = load;
  }
  let total = 0;
  let maxCost = 0;
  for (let i = 0; i < costs.length; i++) {
    if (seen[i] !== 1) throw new RangeError(`plan does not assign item ${i}`);
    const cost = costs[i]!;
    total += cost;
    if (cost > maxCost) maxCost = cost;
  }
  const lowerBound = Math.max(maxCost, total / n);
  const ratio = lowerBound === 0 ? 1 : makespan / lowerBound;
  return { loads, makespan, lowerBound, ratio };
}
