/**
 * Exhaustive search over every plan: the reference the exact solver is
 * tested against.
 */
import { scheduleCost } from './cost.js';
import { CompiledProblem } from './evaluator.js';
import type { OptimizerResult } from './params.js';
import { toPlan } from './problem.js';
import type { TravelProblem } from './types.js';

/** Largest number of plans {@link bruteForce} enumerates by default. */
export const BRUTE_FORCE_LIMIT = 2_000_000;

/**
 * Enumerates every plan and returns the cheapest (the lexicographically first
 * on ties).
 *
 * @param maxPlans refuse problems with more plans than this. Default {@link BRUTE_FORCE_LIMIT} (2·10^6).
 * @throws RangeError when the problem has more than `maxPlans` plans.
 */
export function bruteForce(problem: TravelProblem, maxPlans: number = BRUTE_FORCE_LIMIT): OptimizerResult {
  const compiled = new CompiledProblem(problem);
  const { dim, max } = compiled;
  let plans = 1;
  for (let s = 0; s < dim; s++) plans *= max[s]! + 1;
  if (plans > maxPlans) {
    throw new RangeError(`brute force refused: ${plans} plans exceed the limit of ${maxPlans}`);
  }
  const vector = new Int32Array(dim);
  const best = new Int32Array(dim);
  let bestCost = Infinity;
  for (;;) {
    const cost = compiled.evaluate(vector);
    if (cost < bestCost) {
      bestCost = cost;
      best.set(vector);
    }
    // Odometer increment, last slot fastest.
    let s = dim - 1;
    while (s >= 0 && vector[s] === max[s]) vector[s--] = 0;
    if (s < 0) break;
    vector[s] = vector[s]! + 1;
  }
  const plan = toPlan(best);
  return { plan, cost: scheduleCost(problem, plan), evaluations: compiled.evaluations };
}
