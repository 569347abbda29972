// The gaps are only as good as the optimum they are measured against, so the exact solver is checked against
// exhaustive search. Whole generated groups are rarely small enough for it (three travellers on busy routes already
// have millions of plans), so every group is also checked in a reduced form: its first travellers, each route thinned
// to a few flights spread over the day; the data stay the generator's.
import { BRUTE_FORCE_LIMIT, bruteForce, solveExact, type Flight, type TravelProblem } from '@partita/travel';

/** The reduced form keeps this many travellers and flights per route: 6^6 = 46,656 plans at most. */
export const REDUCED_TRAVELLERS = 3;
export const REDUCED_FLIGHTS = 6;

export interface Disagreement {
  group: string;
  exact: number;
  bruteForce: number;
}

export interface CrossCheck {
  /** Problems solved both ways. */
  checked: number;
  disagreements: Disagreement[];
}

/** Plans of a problem: the product of its route lengths. */
export function planCount(problem: TravelProblem): number {
  let plans = 1;
  for (const route of [...problem.outbound, ...problem.inbound]) plans *= route.length;
  return plans;
}

/** `count` flights of a route at evenly spaced positions, first and last included (all when it has fewer). */
export function thin(route: readonly Flight[], count: number): Flight[] {
  if (route.length <= count) return route.slice();
  return Array.from({ length: count }, (_, k) => route[Math.round((k * (route.length - 1)) / (count - 1))]!);
}

/** The first `travellers` travellers of the problem, each route thinned to `flights` flights. */
export function reduce(problem: TravelProblem, travellers: number, flights: number): TravelProblem {
  const keep = <T>(xs: readonly T[]) => xs.slice(0, travellers);
  return {
    group: { ...problem.group, travellers: keep(problem.group.travellers) },
    outbound: keep(problem.outbound).map((r) => thin(r, flights)),
    inbound: keep(problem.inbound).map((r) => thin(r, flights)),
  };
}

function check(problems: readonly TravelProblem[], solve: (p: TravelProblem) => number): CrossCheck {
  const disagreements: Disagreement[] = [];
  for (const problem of problems) {
    const exact = solve(problem);
    const brute = bruteForce(problem).cost;
    if (Math.abs(exact - brute) > 1e-9 * Math.max(1, brute)) disagreements.push({ group: problem.group.id, exact, bruteForce: brute });
  }
  return { checked: problems.length, disagreements };
}

/**
 * The exact optimum against brute force on every whole group within {@link BRUTE_FORCE_LIMIT} plans, and on the
 * reduced form of every group. `solve` is the solver under test.
 */
export function crossCheck(
  problems: readonly TravelProblem[],
  solve: (p: TravelProblem) => number = (p) => solveExact(p).cost,
): { whole: CrossCheck; reduced: CrossCheck } {
  return {
    whole: check(
      problems.filter((p) => planCount(p) <= BRUTE_FORCE_LIMIT),
      solve,
    ),
    reduced: check(
      problems.map((p) => reduce(p, REDUCED_TRAVELLERS, REDUCED_FLIGHTS)),
      solve,
    ),
  };
}
