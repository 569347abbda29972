/**
 * The book's `geneticoptimize`: a random population is ranked by cost; the
 * top `elite` fraction survives unchanged and breeds the rest of the next
 * generation, each child being (with probability `mutprob`) a mutant of one
 * elite plan — one random slot moved by `step` — or otherwise a one-point
 * crossover of two elite plans. After `maxiter` generations the best plan wins.
 *
 * Differences from the printed listing: survivors keep their known cost
 * instead of being re-evaluated, the final generation is ranked too, and a
 * mutation that cannot move in the drawn direction moves the other way
 * (the book returned nothing there). Populations live in two flat
 * `Int32Array` buffers, so breeding allocates nothing.
 */
import type { CompiledProblem } from './evaluator.js';
import { eliteCount } from './params.js';
import type { ResolvedParams } from './params.js';
import type { Rng } from './rng.js';
import type { RunResult } from './search-run.js';

export function genetic(problem: CompiledProblem, params: ResolvedParams, rng: Rng): RunResult {
  const { dim, max } = problem;
  const { popsize, mutprob, step, maxiter } = params;
  const topelite = eliteCount(params);
  let pop = new Int32Array(popsize * dim);
  let next = new Int32Array(popsize * dim);
  let costs = new Float64Array(popsize);
  let nextCosts = new Float64Array(popsize);
  const order = new Int32Array(popsize);
  for (let k = 0; k < popsize; k++) {
    problem.randomize(rng, pop, k * dim);
    costs[k] = problem.evaluate(pop, k * dim);
  }

  for (let generation = 0; generation < maxiter; generation++) {
    rankByCost(costs, order);
    for (let e = 0; e < topelite; e++) {
      copyRow(pop, order[e]! * dim, next, e * dim, dim);
      nextCosts[e] = costs[order[e]!]!;
    }
    for (let k = topelite; k < popsize; k++) {
      const base = k * dim;
      if (rng() < mutprob) {
        copyRow(pop, order[Math.floor(rng() * topelite)]! * dim, next, base, dim);
        const s = Math.floor(rng() * dim);
        const value = next[base + s]!;
        const down = rng() < 0.5;
        if ((down && value > 0) || value >= max[s]!) next[base + s] = Math.max(0, value - step);
        else next[base + s] = Math.min(max[s]!, value + step);
      } else {
        const first = order[Math.floor(rng() * topelite)]! * dim;
        const second = order[Math.floor(rng() * topelite)]! * dim;
        const cut = 1 + Math.floor(rng() * (dim - 1));
        copyRow(pop, first, next, base, cut);
        copyRow(pop, second + cut, next, base + cut, dim - cut);
      }
      nextCosts[k] = problem.evaluate(next, base);
    }
    const swapPop = pop;
    pop = next;
    next = swapPop;
    const swapCosts = costs;
    costs = nextCosts;
    nextCosts = swapCosts;
  }
  rankByCost(costs, order);
  const bestRow = order[0]! * dim;
  return { vector: pop.slice(bestRow, bestRow + dim), cost: costs[order[0]!]! };
}

/**
 * Writes into `order` the row indices sorted by ascending cost, the lower
 * index first on ties. Insertion sort: populations are small and the elite
 * prefix is already sorted.
 */
function rankByCost(costs: Float64Array, order: Int32Array): void {
  for (let k = 0; k < order.length; k++) {
    const c = costs[k]!;
    let j = k - 1;
    while (j >= 0 && costs[order[j]!]! > c) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = k;
  }
}

function copyRow(from: Int32Array, fromBase: number, to: Int32Array, toBase: number, length: number): void {
  for (let s = 0; s < length; s++) to[toBase + s] = from[fromBase + s]!;
}
