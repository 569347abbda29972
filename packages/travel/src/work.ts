/**
 * A cost model for the partitioner: expected run time of {@link optimize}
 * for one group, from its size alone.
 *
 * Units are roughly microseconds of one core on the reference machine (a
 * 2-core Xeon VM, Node 20); only ratios matter. The forms and constants were
 * fitted to measured run times for sizes 3–30 and 10–50 flights per route:
 *
 * | algorithm | evaluations                        | cost per evaluation (µs) |
 * |-----------|------------------------------------|--------------------------|
 * | random    | guesses                            | 0.033 + 0.028·n          |
 * | annealing | ⌈log(Tmin/T) / log(cool)⌉ + 1      | 0.061 + 0.0086·n         |
 * | genetic   | popsize + maxiter·(popsize − elite)| 0.090 + 0.010·n          |
 * | hillclimb | ≈ 11·n² (measured exponent 1.94)   | 0.035 + 0.004·n          |
 *
 * each multiplied by `restarts`; so random, annealing and genetic grow
 * linearly in n, hillclimb like n² for small groups and n³ for large ones.
 * Hill climbing's step count did not depend on the flights per route.
 * `exact` sorts and sweeps the m = 2·n·F flights with a counting sort, so
 * it is linear in size × flights: 20 + 0.055·m.
 */
import { annealingIterations, eliteCount, resolveParams } from './params.js';
import type { OptimizerOptions } from './params.js';

/** Mean flights per route of generated groups (the default `flightsPerRoute`). */
export const TYPICAL_FLIGHTS_PER_ROUTE = 34;

/**
 * Relative work of optimising one group of `size` travellers; strictly
 * increasing in `size`.
 *
 * @param size travellers in the group, > 0.
 * @param options the optimiser configuration that will be used.
 * @param flightsPerRoute average flights per route. Default {@link TYPICAL_FLIGHTS_PER_ROUTE} (34).
 * @throws RangeError for a non-positive size or flight count, or invalid params.
 */
export function estimateGroupWork(size: number, options: OptimizerOptions, flightsPerRoute: number = TYPICAL_FLIGHTS_PER_ROUTE): number {
  if (!(size > 0) || !Number.isFinite(size)) throw new RangeError(`group size ${size} must be a positive number`);
  if (!(flightsPerRoute > 0) || !Number.isFinite(flightsPerRoute)) {
    throw new RangeError(`flightsPerRoute ${flightsPerRoute} must be a positive number`);
  }
  const p = resolveParams(options.params);
  const n = size;
  switch (options.algorithm) {
    case 'exact':
      return 20 + 0.055 * 2 * n * flightsPerRoute;
    case 'random':
      return p.restarts * p.guesses * (0.033 + 0.028 * n);
    case 'annealing':
      return p.restarts * (annealingIterations(p) + 1) * (0.061 + 0.0086 * n);
    case 'genetic': {
      const evaluations = p.popsize + p.maxiter * (p.popsize - eliteCount(p));
      return p.restarts * evaluations * (0.09 + 0.01 * n);
    }
    case 'hillclimb':
      return p.restarts * (5 + 11 * n * n * (0.035 + 0.004 * n));
    default:
      throw new RangeError(`unknown optimizer algorithm: ${String(options.algorithm)}`);
  }
}
