/**
 * A flattened, allocation-free form of a {@link TravelProblem} for the
 * optimisers' hot loops. Plans are `Int32Array`s; cost evaluation is a single
 * pass using Σ(L − a_i) = n·L − Σa_i and Σ(d_i − E) = Σd_i − n·E.
 */
import { EXTRA_DAY_FEE, WAIT_COST_PER_MINUTE } from './cost.js';
import type { Rng } from './rng.js';
import type { Flight, TravelProblem } from './types.js';

export class CompiledProblem {
  /** Number of travellers. */
  readonly n: number;
  /** Plan length, 2n. */
  readonly dim: number;
  /** Largest valid index per slot. */
  readonly max: Int32Array;
  /** Offset of each slot's first flight in the flat arrays. */
  private readonly offset: Int32Array;
  /** Arrival time for outbound slots, departure time for return slots. */
  private readonly time: Float64Array;
  private readonly price: Float64Array;
  /** Number of calls to {@link evaluate} so far. */
  evaluations = 0;

  constructor(problem: TravelProblem) {
    const n = problem.outbound.length;
    this.n = n;
    this.dim = 2 * n;
    this.max = new Int32Array(this.dim);
    this.offset = new Int32Array(this.dim);
    const routes: Flight[][] = [];
    for (let i = 0; i < n; i++) {
      routes.push(problem.outbound[i] ?? [], problem.inbound[i] ?? []);
    }
    let total = 0;
    routes.forEach((route, slot) => {
      if (route.length === 0) throw new Error(`plan slot ${slot} has no flights`);
      this.offset[slot] = total;
      this.max[slot] = route.length - 1;
      total += route.length;
    });
    this.time = new Float64Array(total);
    this.price = new Float64Array(total);
    routes.forEach((route, slot) => {
      const base = this.offset[slot]!;
      route.forEach((f, k) => {
        this.time[base + k] = slot % 2 === 0 ? f.arrive : f.depart;
        this.price[base + k] = f.price;
      });
    });
  }

  /**
   * Cost of the plan stored at `plan[base .. base + dim)` (same value as
   * `scheduleCost`, up to float rounding for fractional inputs).
   */
  evaluate(plan: Int32Array, base = 0): number {
    this.evaluations++;
    const { n, offset, time, price } = this;
    let totalPrice = 0;
    let sumArrive = 0;
    let sumDepart = 0;
    let latest = -Infinity;
    let earliest = Infinity;
    for (let s = 0; s < 2 * n; s += 2) {
      const o = offset[s]! + plan[base + s]!;
      const a = time[o]!;
      totalPrice += price[o]!;
      sumArrive += a;
      if (a > latest) latest = a;
      const r = offset[s + 1]! + plan[base + s + 1]!;
      const d = time[r]!;
      totalPrice += price[r]!;
      sumDepart += d;
      if (d < earliest) earliest = d;
    }
    const wait = n * latest - sumArrive + sumDepart - n * earliest;
    return totalPrice + WAIT_COST_PER_MINUTE * wait + (latest > earliest ? EXTRA_DAY_FEE : 0);
  }

  /** Fills `out[base .. base + dim)` with a uniformly random plan. */
  randomize(rng: Rng, out: Int32Array, base = 0): Int32Array {
    for (let s = 0; s < this.dim; s++) out[base + s] = Math.floor(rng() * (this.max[s]! + 1));
    return out;
  }
}
