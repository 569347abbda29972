/**
 * The book's `schedulecost`, with its indexing bug fixed (traveller i uses
 * slots 2i and 2i+1, not i and i+1).
 */
import { assertPlan } from './problem.js';
import type { Plan, TravelProblem } from './types.js';

/** Dollars charged for one extra day of car rental. */
export const EXTRA_DAY_FEE = 50;

/** Dollars per minute spent waiting at the destination airport. */
export const WAIT_COST_PER_MINUTE = 1;

/**
 * Total cost of a plan in dollars:
 *
 * - the sum of all ticket prices;
 * - on arrival everyone waits for the latest arrival L: Σ (L − arrive_i);
 * - on departure everyone is at the airport from the earliest return
 *   departure E: Σ (depart_i − E);
 * - waiting costs $1 per minute;
 * - $50 more if L > E (the rental car is needed for an extra day).
 *
 * @throws RangeError if the plan does not fit the problem.
 */
export function scheduleCost(problem: TravelProblem, plan: Plan): number {
  assertPlan(problem, plan);
  const n = problem.outbound.length;
  let totalPrice = 0;
  let latestArrival = -Infinity;
  let earliestDeparture = Infinity;
  for (let i = 0; i < n; i++) {
    const out = problem.outbound[i]![plan[2 * i]!]!;
    const ret = problem.inbound[i]![plan[2 * i + 1]!]!;
    totalPrice += out.price + ret.price;
    if (out.arrive > latestArrival) latestArrival = out.arrive;
    if (ret.depart < earliestDeparture) earliestDeparture = ret.depart;
  }
  let totalWait = 0;
  for (let i = 0; i < n; i++) {
    const out = problem.outbound[i]![plan[2 * i]!]!;
    const ret = problem.inbound[i]![plan[2 * i + 1]!]!;
    totalWait += latestArrival - out.arrive;
    totalWait += ret.depart - earliestDeparture;
  }
  const rental = latestArrival > earliestDeparture ? EXTRA_DAY_FEE : 0;
  return totalPrice + WAIT_COST_PER_MINUTE * totalWait + rental;
}
