// One group's optimisation exactly as a worker does it, for the work measured outside Partita (the sequential
// baseline, the per-group times): the same problem, optimiser and seed give the same plan and the same rows.
// Mirrors the worker's travel-plan handler (optimize-group.ts there), which an app cannot import; group-work.test.ts
// holds the two to the same rows.
import type { OptimizerSpec } from '@partita/contracts';
import {
  buildProblem,
  generateRoute,
  hashSeed,
  optimize,
  optimizerFromSpec,
  planRows,
  solveExact,
  type Flight,
  type Group,
  type PlanRow,
} from '@partita/travel';

export type { PlanRow };

export type RouteFlights = (origin: string, destination: string) => readonly Flight[];

/** The flights of the generated data set `seed`, each route generated once (as a worker does per partition). */
export function generatedRoutes(seed: number): RouteFlights {
  const routes = new Map<string, Flight[]>();
  return (origin, destination) => {
    const key = `${origin}>${destination}`;
    let flights = routes.get(key);
    if (!flights) routes.set(key, (flights = generateRoute(seed, origin, destination)));
    return flights;
  };
}

/** Optimises one group, seeded by the job's optimiser seed and the group's id, and returns its rows (one per traveller). */
export function planGroup(group: Group, routeFlights: RouteFlights, optimizer: OptimizerSpec): PlanRow[] {
  const problem = buildProblem(group, routeFlights);
  const options = optimizerFromSpec(optimizer);
  const result = optimize(problem, { ...options, seed: hashSeed(options.seed ?? 0, group.id) });
  const optimum = optimizer.algorithm === 'exact' ? result.cost : optimizer.exactGap ? solveExact(problem).cost : null;
  return planRows(problem, result, optimizer.algorithm, optimum);
}
