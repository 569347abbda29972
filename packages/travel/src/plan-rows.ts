import type { OptimizerResult } from './params.js';
import type { TravelProblem } from './types.js';

/** One output row of a travel plan: one traveller's two flights and the group's cost (the travel-plan Parquet columns). */
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

/** One output row per traveller, from the problem and the optimiser's result; `optimum` is the exact cost when known. */
export function planRows(problem: TravelProblem, result: OptimizerResult, algorithm: string, optimum: number | null): PlanRow[] {
  const { group } = problem;
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
      algorithm,
    };
  });
}
