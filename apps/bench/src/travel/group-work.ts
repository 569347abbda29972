// One group's optimisation exactly as a worker does it, for the work measured outside Partita (the sequential
// baseline, the per-group times): the same problem, optimiser and seed give the same plan and the same rows.
// Mirrors the worker's travel-plan handler (optimize-group.ts and rows.ts there), which an app cannot import;
// group-work.test.ts holds the two to the same rows.
import type { OptimizerSpec } from '@partita/contracts';
import { buildProblem, generateRoute, hashSeed, optimize, optimizerFromSpec, solveExact, type Flight, type Group } from '@partita/travel';

/** One output row (the columns of TRAVEL_PLAN_COLUMNS). */
export type PlanRow = {
  group_id: string;
  person: string;
  origin: string;
  destination: string;
  outbound_depart: number;
  outbound_arrive: number;
  outbound_price: number;
  return_depart: number;
  return_arrive: number;
  return_price: number;
  group_size: number;
  group_cost: number;
  group_optimum: number | null;
  group_gap: number | null;
  algorithm: string;
};

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
  return group.travellers.map((t, i) => {
    const out = problem.outbound[i]![result.plan[2 * i]!]!;
    const ret = problem.inbound[i]![result.plan[2 * i + 1]!]!;
    return {
      group_id: group.id,
      person: t.name,
      origin: t.origin,
      destination: group.destination,
      outbound_depart: out.depart,
      outbound_arrive: out.arrive,
      outbound_price: out.price,
      return_depart: ret.depart,
      return_arrive: ret.arrive,
      return_price: ret.price,
      group_size: group.travellers.length,
      group_cost: result.cost,
      group_optimum: optimum,
      group_gap: optimum === null ? null : optimum > 0 ? result.cost / optimum - 1 : 0,
      algorithm: optimizer.algorithm,
    };
  });
}
