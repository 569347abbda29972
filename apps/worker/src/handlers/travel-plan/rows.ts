import type { OptimizerResult, TravelProblem } from '@partita/travel';

/** One output row per traveller (see TRAVEL_PLAN_COLUMNS). */
export function planRows(
  problem: TravelProblem,
  result: OptimizerResult,
  algorithm: string,
  optimum: number | null,
): Record<string, unknown>[] {
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
