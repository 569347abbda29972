/**
 * The book's `hillclimb`: start from a random plan; the neighbours are the
 * plans with one slot moved by ±1 within its domain; move to the best
 * neighbour while it is strictly cheaper, stop at a local minimum.
 */
import type { CompiledProblem } from './evaluator.js';
import type { ResolvedParams } from './params.js';
import type { Rng } from './rng.js';
import type { RunResult } from './search-run.js';

export function hillclimb(problem: CompiledProblem, _params: ResolvedParams, rng: Rng): RunResult {
  const plan = problem.randomize(rng, new Int32Array(problem.dim));
  const { max, dim } = problem;
  let current = problem.evaluate(plan);
  for (;;) {
    let bestCost = current;
    let bestSlot = -1;
    let bestValue = 0;
    for (let s = 0; s < dim; s++) {
      const value = plan[s]!;
      if (value > 0) {
        plan[s] = value - 1;
        const cost = problem.evaluate(plan);
        if (cost < bestCost) {
          bestCost = cost;
          bestSlot = s;
          bestValue = value - 1;
        }
      }
      if (value < max[s]!) {
        plan[s] = value + 1;
        const cost = problem.evaluate(plan);
        if (cost < bestCost) {
          bestCost = cost;
          bestSlot = s;
          bestValue = value + 1;
        }
      }
      plan[s] = value;
    }
    if (bestSlot < 0) return { vector: plan, cost: current };
    plan[bestSlot] = bestValue;
    current = bestCost;
  }
}
