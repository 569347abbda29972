/**
 * The book's `randomoptimize`: try `guesses` uniformly random plans, keep the
 * cheapest.
 */
import type { CompiledProblem } from './evaluator.js';
import type { ResolvedParams } from './params.js';
import type { Rng } from './rng.js';
import type { RunResult } from './search-run.js';

export function randomSearch(problem: CompiledProblem, params: ResolvedParams, rng: Rng): RunResult {
  const candidate = new Int32Array(problem.dim);
  const best = new Int32Array(problem.dim);
  let bestCost = Infinity;
  for (let g = 0; g < params.guesses; g++) {
    problem.randomize(rng, candidate);
    const cost = problem.evaluate(candidate);
    if (cost < bestCost) {
      bestCost = cost;
      best.set(candidate);
    }
  }
  return { vector: best, cost: bestCost };
}
