/**
 * One entry point for every optimiser, with seeded restarts.
 */
import { annealing } from './annealing.js';
import { scheduleCost } from './cost.js';
import { CompiledProblem } from './evaluator.js';
import { solveExact } from './exact.js';
import { genetic } from './genetic.js';
import { hillclimb } from './hillclimb.js';
import { resolveParams } from './params.js';
import type { Algorithm, OptimizerOptions, OptimizerResult } from './params.js';
import { toPlan } from './problem.js';
import { randomSearch } from './random-search.js';
import { createRng } from './rng.js';
import type { SearchRun } from './search-run.js';
import type { TravelProblem } from './types.js';

const HEURISTICS: Readonly<Record<Exclude<Algorithm, 'exact'>, SearchRun>> = {
  random: randomSearch,
  hillclimb,
  annealing,
  genetic,
};

/**
 * Finds a cheap plan. Heuristics run `params.restarts` independent runs, run
 * r drawing from `createRng(seed, algorithm, r)`, and keep the cheapest (the
 * earliest run on ties); the result is reproducible from problem, params and
 * seed. `cost` is always recomputed with `scheduleCost`.
 *
 * @throws RangeError for an unknown algorithm or invalid params.
 */
export function optimize(problem: TravelProblem, options: OptimizerOptions): OptimizerResult {
  const { algorithm, seed = 0 } = options;
  const params = resolveParams(options.params);
  if (algorithm === 'exact') return solveExact(problem);
  if (!Object.hasOwn(HEURISTICS, algorithm)) {
    throw new RangeError(`unknown optimizer algorithm: ${String(algorithm)}`);
  }
  const run = HEURISTICS[algorithm];
  const compiled = new CompiledProblem(problem);
  let best: Int32Array | undefined;
  let bestCost = Infinity;
  for (let r = 0; r < params.restarts; r++) {
    const result = run(compiled, params, createRng(seed, algorithm, r));
    if (best === undefined || result.cost < bestCost) {
      best = result.vector;
      bestCost = result.cost;
    }
  }
  const plan = toPlan(best!);
  return { plan, cost: scheduleCost(problem, plan), evaluations: compiled.evaluations };
}
