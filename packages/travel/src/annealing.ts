/**
 * The book's `annealingoptimize`: from a random plan, repeatedly move one
 * random slot by a random amount in [−step, step] (clamped to its domain);
 * accept a cheaper plan always and a dearer one with probability
 * exp(−(eb − ea) / T); multiply T by `cool` until it drops to `Tmin`.
 *
 * Two deliberate differences from the printed listing: the acceptance
 * exponent uses the corrected sign, and the best plan seen (not merely the
 * last one) is returned. The current plan's cost is cached, so each
 * iteration costs one evaluation.
 */
import type { CompiledProblem } from './evaluator.js';
import type { ResolvedParams } from './params.js';
import type { Rng } from './rng.js';
import type { RunResult } from './search-run.js';

export function annealing(problem: CompiledProblem, params: ResolvedParams, rng: Rng): RunResult {
  const { dim, max } = problem;
  const { step, cool, Tmin } = params;
  const plan = problem.randomize(rng, new Int32Array(dim));
  const best = plan.slice();
  let current = problem.evaluate(plan);
  let bestCost = current;
  for (let T = params.T; T > Tmin; T *= cool) {
    const s = Math.floor(rng() * dim);
    const dir = Math.floor(rng() * (2 * step + 1)) - step;
    const old = plan[s]!;
    const moved = Math.min(max[s]!, Math.max(0, old + dir));
    plan[s] = moved;
    const cost = problem.evaluate(plan);
    // Always draw, so the random stream does not depend on the comparison.
    const u = rng();
    if (cost < current || u < Math.exp(-(cost - current) / T)) {
      current = cost;
      if (cost < bestCost) {
        bestCost = cost;
        best.set(plan);
      }
    } else {
      plan[s] = old;
    }
  }
  return { vector: best, cost: bestCost };
}
