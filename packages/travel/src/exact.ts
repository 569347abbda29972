/**
 * Exact optimum of the schedule cost for m flights in total: O(m) for
 * whole-minute times (counting sort), O(m log m) otherwise.
 *
 * Waiting depends only on the latest arrival L and the earliest return
 * departure E. Fix both: each traveller then chooses independently, so
 *
 *   A(L) = Σ_i min over outbound f with f.arrive ≤ L of (f.price + L − f.arrive)
 *   B(E) = Σ_i min over return f with f.depart ≥ E of (f.price + f.depart − E)
 *   f(L, E) = A(L) + B(E) + 50·[L > E]
 *
 * f(L, E) bounds the true cost of the plan it picks from above (its real
 * latest arrival is ≤ L and real earliest departure ≥ E, which can only
 * shrink waiting and the rental fee), and equals it when L and E are that
 * plan's real boundaries. So min f over L ∈ arrival times, E ∈ departure
 * times is the optimum.
 *
 * A and B are computed by one sorted sweep each (running per-traveller
 * minima of price − arrive and price + depart). The pair minimum splits in
 * two branches: L ≤ E (sweep E upwards keeping min A over L ≤ E) and L > E,
 * where 50 + min A + min B is a valid bound that the first branch beats
 * whenever the unconstrained minimisers satisfy L ≤ E.
 */
import { EXTRA_DAY_FEE, WAIT_COST_PER_MINUTE, scheduleCost } from './cost.js';
import type { OptimizerResult } from './params.js';
import type { Flight, TravelProblem } from './types.js';

const W = WAIT_COST_PER_MINUTE;

/** Sorted distinct boundary values and the side's total at each. */
interface Side {
  times: number[];
  totals: Float64Array;
}

/**
 * For each distinct time t (ascending), Σ_i min over flights of traveller i
 * that are "available at t" of key(f), or Infinity while some traveller has
 * none. `ascending` = outbound side (flights with arrive ≤ t are available);
 * otherwise flights with depart ≥ t are.
 */
function sweep(routes: Flight[][], ascending: boolean): Side {
  let m = 0;
  for (const flights of routes) m += flights.length;
  const person = new Int32Array(m);
  const time = new Float64Array(m);
  const value = new Float64Array(m);
  let k = 0;
  routes.forEach((flights, i) => {
    for (const f of flights) {
      person[k] = i;
      time[k] = ascending ? f.arrive : f.depart;
      value[k] = ascending ? f.price - W * f.arrive : f.price + W * f.depart;
      k++;
    }
  });
  const order = sortedOrder(time, ascending);

  const n = routes.length;
  const best = new Float64Array(n).fill(Infinity);
  let covered = 0;
  let sum = 0;
  const times: number[] = [];
  const sums: number[] = [];
  for (let e = 0; e < m;) {
    const t = time[order[e]!]!;
    for (; e < m && time[order[e]!]! === t; e++) {
      const j = order[e]!;
      const i = person[j]!;
      const old = best[i]!;
      const v = value[j]!;
      if (v < old) {
        if (old === Infinity) {
          covered++;
          sum += v;
        } else {
          sum += v - old;
        }
        best[i] = v;
      }
    }
    times.push(t);
    sums.push(covered === n ? sum : Infinity);
  }
  if (!ascending) {
    times.reverse();
    sums.reverse();
  }
  const totals = new Float64Array(times.length);
  const sign = ascending ? 1 : -1;
  for (let j = 0; j < times.length; j++) totals[j] = sums[j]! + sign * W * n * times[j]!;
  return { times, totals };
}

/**
 * Indices of `time` sorted by time (ascending or descending; stable).
 * Whole-minute times spanning a modest range (the usual case) are counting-
 * sorted in O(m + range); anything else falls back to a comparator sort.
 */
function sortedOrder(time: Float64Array, ascending: boolean): Uint32Array {
  const m = time.length;
  const order = new Uint32Array(m);
  let lo = Infinity;
  let hi = -Infinity;
  let integral = true;
  for (let e = 0; e < m; e++) {
    const t = time[e]!;
    if (!Number.isInteger(t)) integral = false;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const range = hi - lo + 1;
  if (integral && range <= 4 * m + 4096) {
    const start = new Uint32Array(range + 1);
    for (let e = 0; e < m; e++) {
      const bucket = ascending ? time[e]! - lo : hi - time[e]!;
      start[bucket + 1]!++;
    }
    for (let b = 0; b < range; b++) start[b + 1]! += start[b]!;
    for (let e = 0; e < m; e++) {
      const bucket = ascending ? time[e]! - lo : hi - time[e]!;
      order[start[bucket]!++] = e;
    }
    return order;
  }
  for (let e = 0; e < m; e++) order[e] = e;
  const sign = ascending ? 1 : -1;
  return order.sort((a, b) => sign * (time[a]! - time[b]!) || a - b);
}

function argminIndex(values: Float64Array): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k]! < values[best]!) best = k;
  return best;
}

/** The flight index minimising `key` among those passing `ok` (first on ties). */
function pick(flights: Flight[], ok: (f: Flight) => boolean, key: (f: Flight) => number): number {
  let best = -1;
  let bestValue = Infinity;
  flights.forEach((f, k) => {
    if (!ok(f)) return;
    const value = key(f);
    if (value < bestValue) {
      bestValue = value;
      best = k;
    }
  });
  if (best < 0) throw new Error('internal: no flight available at the chosen boundary');
  return best;
}

/**
 * The cheapest plan of a problem, exactly. `evaluations` counts the
 * candidate arrival and departure boundaries scanned.
 */
export function solveExact(problem: TravelProblem): OptimizerResult {
  const n = problem.outbound.length;
  if (n === 0) throw new Error('problem has no travellers');
  const A = sweep(problem.outbound, true);
  const B = sweep(problem.inbound, false);

  // Branch L > E (or any pair): fee + min A + min B.
  const aStar = argminIndex(A.totals);
  const bStar = argminIndex(B.totals);
  let bestValue = A.totals[aStar]! + B.totals[bStar]! + EXTRA_DAY_FEE;
  let L = A.times[aStar]!;
  let E = B.times[bStar]!;

  // Branch L ≤ E: sweep E upwards, keeping the best A over arrival times ≤ E.
  let minA = Infinity;
  let minAIndex = -1;
  let a = 0;
  for (let e = 0; e < B.times.length; e++) {
    const tE = B.times[e]!;
    for (; a < A.times.length && A.times[a]! <= tE; a++) {
      if (A.totals[a]! < minA) {
        minA = A.totals[a]!;
        minAIndex = a;
      }
    }
    if (minAIndex >= 0 && minA + B.totals[e]! <= bestValue) {
      bestValue = minA + B.totals[e]!;
      L = A.times[minAIndex]!;
      E = tE;
    }
  }

  const plan: number[] = [];
  for (let i = 0; i < n; i++) {
    plan.push(
      pick(
        problem.outbound[i]!,
        (f) => f.arrive <= L,
        (f) => f.price - W * f.arrive,
      ),
    );
    plan.push(
      pick(
        problem.inbound[i]!,
        (f) => f.depart >= E,
        (f) => f.price + W * f.depart,
      ),
    );
  }
  return { plan, cost: scheduleCost(problem, plan), evaluations: A.times.length + B.times.length };
}
