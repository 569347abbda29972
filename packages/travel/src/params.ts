/**
 * Optimiser options, their book defaults, and validation.
 */
import type { Plan } from './types.js';

/** Which search method {@link optimize} runs. */
export type Algorithm = 'random' | 'hillclimb' | 'annealing' | 'genetic' | 'exact';

/** All algorithm names, in a stable order. */
export const ALGORITHMS: readonly Algorithm[] = ['random', 'hillclimb', 'annealing', 'genetic', 'exact'];

/**
 * Tuning knobs. Every field is optional; fields that do not apply to the
 * chosen algorithm are ignored. The `exact` algorithm takes none.
 */
export interface OptimizerParams {
  /**
   * Independent seeded runs of the heuristic; the best is kept. Used to size
   * the work per group. Default `1`. All heuristics.
   */
  restarts?: number;
  /** Random plans tried by `random`. Default `1000`. */
  guesses?: number;
  /** Starting temperature of `annealing`. Default `10000`. */
  T?: number;
  /** Temperature factor per `annealing` iteration, in (0, 1). Default `0.95`. */
  cool?: number;
  /** `annealing` stops once the temperature is no longer above this. Default `0.1` (as in the book). */
  Tmin?: number;
  /** Largest index change of one move (`annealing`) or mutation (`genetic`). Default `1`. */
  step?: number;
  /** Population size of `genetic`. Default `50`. */
  popsize?: number;
  /** Probability that a `genetic` child is a mutant rather than a crossover. Default `0.2`. */
  mutprob?: number;
  /** Fraction of the `genetic` population kept as elite parents, in (0, 1]. Default `0.2`. */
  elite?: number;
  /** Generations of `genetic`. Default `100`. */
  maxiter?: number;
}

/** What {@link optimize} should do. */
export interface OptimizerOptions {
  /** The search method. */
  algorithm: Algorithm;
  /** Algorithm parameters; see {@link DEFAULT_PARAMS} for the defaults. */
  params?: OptimizerParams;
  /** Seed of all random choices; same problem + params + seed ⇒ same plan. Default `0`. */
  seed?: number;
}

/** The outcome of an optimiser run. */
export interface OptimizerResult {
  /** The best plan found. */
  plan: Plan;
  /** `scheduleCost(problem, plan)`. */
  cost: number;
  /**
   * Cost evaluations performed (for `exact`: candidate arrival and departure
   * boundaries scanned; for brute force: plans enumerated).
   */
  evaluations: number;
}

/** Parameters with every default filled in. */
export type ResolvedParams = Required<OptimizerParams>;

/** The book's defaults, plus `restarts: 1` and `Tmin: 0.1`. */
export const DEFAULT_PARAMS: Readonly<ResolvedParams> = Object.freeze({
  restarts: 1,
  guesses: 1000,
  T: 10000,
  cool: 0.95,
  Tmin: 0.1,
  step: 1,
  popsize: 50,
  mutprob: 0.2,
  elite: 0.2,
  maxiter: 100,
});

function check(ok: boolean, name: string, value: number, rule: string): void {
  if (!ok) throw new RangeError(`optimizer param ${name} = ${value} must be ${rule}`);
}

/**
 * Fills in defaults and validates every field.
 * @throws RangeError naming the first invalid parameter.
 */
export function resolveParams(params: OptimizerParams | undefined): ResolvedParams {
  const p: ResolvedParams = { ...DEFAULT_PARAMS };
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && key in p) (p as unknown as Record<string, number>)[key] = value as number;
  }
  const positiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;
  check(positiveInt(p.restarts), 'restarts', p.restarts, 'an integer >= 1');
  check(positiveInt(p.guesses), 'guesses', p.guesses, 'an integer >= 1');
  check(positiveInt(p.step), 'step', p.step, 'an integer >= 1');
  check(positiveInt(p.popsize), 'popsize', p.popsize, 'an integer >= 1');
  check(Number.isInteger(p.maxiter) && p.maxiter >= 0, 'maxiter', p.maxiter, 'an integer >= 0');
  check(Number.isFinite(p.T) && p.T > 0, 'T', p.T, 'a finite number > 0');
  check(Number.isFinite(p.Tmin) && p.Tmin > 0, 'Tmin', p.Tmin, 'a finite number > 0');
  check(p.cool > 0 && p.cool < 1, 'cool', p.cool, 'in (0, 1)');
  check(p.mutprob >= 0 && p.mutprob <= 1, 'mutprob', p.mutprob, 'in [0, 1]');
  check(p.elite > 0 && p.elite <= 1, 'elite', p.elite, 'in (0, 1]');
  return p;
}

/** Iterations `annealing` runs: how often T can be cooled before reaching Tmin. */
export function annealingIterations(p: Pick<ResolvedParams, 'T' | 'cool' | 'Tmin'>): number {
  let iterations = 0;
  for (let t = p.T; t > p.Tmin; t *= p.cool) iterations++;
  return iterations;
}

/** Elite parents kept per `genetic` generation (at least one). */
export function eliteCount(p: Pick<ResolvedParams, 'elite' | 'popsize'>): number {
  return Math.max(1, Math.min(p.popsize, Math.floor(p.elite * p.popsize)));
}
