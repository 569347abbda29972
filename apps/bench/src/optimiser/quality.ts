// Every heuristic against the exact optimum on the same groups. Each group runs every optimiser back to back, so
// machine noise falls on all of them alike; each optimiser is configured as a job spec with only `algorithm` set (the
// book's defaults) and seeded per group as a worker seeds it.
import { OptimizerSpec } from '@partita/contracts';
import {
  ALGORITHMS,
  hashSeed,
  optimize,
  optimizerFromSpec,
  type Algorithm,
  type OptimizerOptions,
  type TravelProblem,
} from '@partita/travel';
import { summarise, timing, type GroupOutcome, type QualitySummary, type Timing } from './stats.js';

export type Heuristic = Exclude<Algorithm, 'exact'>;
export const HEURISTICS = ALGORITHMS.filter((a): a is Heuristic => a !== 'exact');

export interface QualityResult {
  /** The exact solver's own time per group. */
  exact: Timing;
  heuristics: Record<Heuristic, QualitySummary>;
}

const options = (algorithm: Algorithm): OptimizerOptions => optimizerFromSpec(OptimizerSpec.parse({ algorithm }));

function timed(problem: TravelProblem, o: OptimizerOptions): { cost: number; ms: number } {
  const seed = hashSeed(o.seed ?? 0, problem.group.id);
  const t0 = performance.now();
  const { cost } = optimize(problem, { ...o, seed });
  return { cost, ms: performance.now() - t0 };
}

/** Runs every optimiser on `problems` after `warmup` untimed groups (compiled hot paths, as in a busy worker). */
export function measureQuality(problems: readonly TravelProblem[], warmup: number): QualityResult {
  const exact = options('exact');
  const configured = HEURISTICS.map((h) => [h, options(h)] as const);
  for (const problem of problems.slice(0, warmup)) for (const o of [exact, ...configured.map(([, c]) => c)]) timed(problem, o);

  const exactMs: number[] = [];
  const outcomes = new Map<Heuristic, GroupOutcome[]>(HEURISTICS.map((h) => [h, []]));
  for (const problem of problems) {
    const optimum = timed(problem, exact);
    exactMs.push(optimum.ms);
    for (const [h, o] of configured) outcomes.get(h)!.push({ ...timed(problem, o), optimum: optimum.cost });
  }
  return {
    exact: timing(exactMs),
    heuristics: Object.fromEntries(HEURISTICS.map((h) => [h, summarise(outcomes.get(h)!)])) as Record<Heuristic, QualitySummary>,
  };
}
