/**
 * Building a {@link TravelProblem} from a group and a flight source, and the
 * search domain of its plan vectors.
 */
import type { Flight, Group, Plan, TravelProblem } from './types.js';

/** Looks up the flights of one route; may return an empty list for unknown routes. */
export type RouteFlights = (origin: string, destination: string) => readonly Flight[];

/**
 * Collects, for every traveller, the outbound (home → destination) and return
 * (destination → home) flights. Flight lists are copied so later changes to
 * the source do not affect the problem; their order (and thus plan indices)
 * is preserved.
 *
 * @throws Error if the group has no travellers or a route has no flights; the
 *   message names the route and the traveller.
 */
export function buildProblem(group: Group, routeFlights: RouteFlights): TravelProblem {
  if (group.travellers.length === 0) {
    throw new Error(`group ${group.id} has no travellers`);
  }
  const outbound: Flight[][] = [];
  const inbound: Flight[][] = [];
  for (const traveller of group.travellers) {
    outbound.push(routeOrThrow(group, traveller.name, traveller.origin, group.destination, routeFlights));
    inbound.push(routeOrThrow(group, traveller.name, group.destination, traveller.origin, routeFlights));
  }
  return { group, outbound, inbound };
}

function routeOrThrow(group: Group, name: string, origin: string, destination: string, routeFlights: RouteFlights): Flight[] {
  const flights = routeFlights(origin, destination);
  if (flights.length === 0) {
    throw new Error(`no flights on route ${origin}->${destination} (traveller ${name} in group ${group.id})`);
  }
  return flights.slice();
}

/** The inclusive `[min, max]` index range of every plan slot: `[0, flights - 1]`. */
export function planDomain(problem: TravelProblem): Array<[number, number]> {
  const domain: Array<[number, number]> = [];
  for (let i = 0; i < problem.outbound.length; i++) {
    domain.push([0, (problem.outbound[i]?.length ?? 1) - 1]);
    domain.push([0, (problem.inbound[i]?.length ?? 1) - 1]);
  }
  return domain;
}

/**
 * Checks that a plan has length 2n and only integer indices within range.
 * @throws RangeError describing the first offending slot.
 */
export function assertPlan(problem: TravelProblem, plan: readonly number[]): void {
  const n = problem.outbound.length;
  if (plan.length !== 2 * n) {
    throw new RangeError(`plan has ${plan.length} slots, expected ${2 * n} for ${n} travellers`);
  }
  for (let slot = 0; slot < plan.length; slot++) {
    const route = slot % 2 === 0 ? problem.outbound[slot >> 1] : problem.inbound[slot >> 1];
    const index = plan[slot] as number;
    if (!Number.isInteger(index) || index < 0 || index >= (route?.length ?? 0)) {
      throw new RangeError(`plan slot ${slot} = ${index} is outside [0, ${(route?.length ?? 0) - 1}]`);
    }
  }
}

/** Converts an internal index vector into a plain {@link Plan}. */
export function toPlan(vector: ArrayLike<number>): Plan {
  return Array.from(vector);
}
