/**
 * @partita/travel — the group-travel scheduling domain: problem model, the
 * schedule cost, heuristic and exact optimisers, and a seeded data generator.
 */
export type { Flight, Group, Plan, TravelProblem, Traveller } from './types.js';
export { buildProblem, planDomain } from './problem.js';
export type { RouteFlights } from './problem.js';
export { EXTRA_DAY_FEE, WAIT_COST_PER_MINUTE, scheduleCost } from './cost.js';
export { ALGORITHMS, DEFAULT_PARAMS, resolveParams } from './params.js';
export type { Algorithm, OptimizerOptions, OptimizerParams, OptimizerResult, ResolvedParams } from './params.js';
export { optimize } from './optimize.js';
export { solveExact } from './exact.js';
export { BRUTE_FORCE_LIMIT, bruteForce } from './brute-force.js';
export { airport, airports, distanceKm } from './airports.js';
export type { Airport } from './airports.js';
export { GROUP_SIZE_ALPHA, MAX_GROUP_SIZE, MIN_GROUP_SIZE, generateGroup, groupSize } from './group.js';
export { FIRST_DEPARTURE, LAST_DEPARTURE, MAX_FLIGHTS, MIN_FLIGHTS, generateRoute } from './route.js';
export { createRng, hashSeed } from './rng.js';
export type { Rng, SeedPart } from './rng.js';
export { TYPICAL_FLIGHTS_PER_ROUTE, estimateGroupWork } from './work.js';
export { optimizerFromSpec, parseClock } from './spec.js';
export type { FlatOptimizerSpec } from './spec.js';
export { planRows } from './plan-rows.js';
export type { PlanRow } from './plan-rows.js';
