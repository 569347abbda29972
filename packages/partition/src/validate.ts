/**
 * Input checks shared by the partitioners. Every failure is a RangeError (or a
 * TypeError for a value of the wrong type) whose message names the bad input.
 */

/** The largest partition count accepted: the maximum length of a JavaScript array. */
export const MAX_PARTITIONS = 2 ** 32 - 1;

/** Throws unless `n` is a usable partition count: an integer in [1, MAX_PARTITIONS]. */
export function assertPartitionCount(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_PARTITIONS) {
    throw new RangeError(`partition count n must be a positive integer (at most ${MAX_PARTITIONS}), got ${String(n)}`);
  }
}

/** Throws unless `value` is a non-negative safe integer; `name` is used in the message. */
export function assertCount(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Throws unless `cost` is a finite number ≥ 0; `index` identifies the item in the message. */
export function assertCost(cost: number, index: number): void {
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
    throw new RangeError(`cost of item ${index} must be a finite number >= 0, got ${String(cost)}`);
  }
}

/** Throws unless every entry of `costs` is a finite number ≥ 0. */
export function assertCosts(costs: readonly number[]): void {
  for (let i = 0; i < costs.length; i++) assertCost(costs[i] as number, i);
}
