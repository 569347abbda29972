/**
 * The worker counts a scaling run compares, up to `max`: the powers of two below it, then `max` itself
 * (2 → 1, 2; 8 → 1, 2, 4, 8; 6 → 1, 2, 4, 6). Doubling keeps a run short however many workers are asked for.
 */
export function workerCounts(max: number): number[] {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
  const counts: number[] = [];
  for (let n = 1; n < max; n *= 2) counts.push(n);
  counts.push(max);
  return counts;
}
