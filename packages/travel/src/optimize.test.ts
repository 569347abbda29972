import { describe, expect, it } from 'vitest';
import { scheduleCost } from './cost.js';
import { solveExact } from './exact.js';
import { generateGroup } from './group.js';
import { optimize } from './optimize.js';
import { DEFAULT_PARAMS, annealingIterations } from './params.js';
import type { Algorithm } from './params.js';
import { buildProblem, planDomain } from './problem.js';
import { generateRoute } from './route.js';
import type { TravelProblem } from './types.js';

const HEURISTICS: Algorithm[] = ['random', 'hillclimb', 'annealing', 'genetic'];
const DATA_SEED = 5;

function generatedProblem(index: number): TravelProblem {
  return buildProblem(generateGroup(DATA_SEED, index), (o, d) => generateRoute(DATA_SEED, o, d));
}

// Twelve generated groups plus one forced large group, to cover sizes 3..30.
const problems: TravelProblem[] = Array.from({ length: 12 }, (_, i) => generatedProblem(i));
const largest = Array.from({ length: 400 }, (_, i) => generateGroup(DATA_SEED, i)).reduce((a, b) =>
  b.travellers.length > a.travellers.length ? b : a,
);
problems.push(buildProblem(largest, (o, d) => generateRoute(DATA_SEED, o, d)));

describe('optimize', () => {
  it('covers small and large groups', () => {
    const sizes = problems.map((p) => p.group.travellers.length);
    expect(Math.min(...sizes)).toBe(3);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(25);
  });

  for (const algorithm of HEURISTICS) {
    it(`${algorithm}: never beats the exact optimum, reports its plan's true cost, stays in the domain`, () => {
      for (const problem of problems) {
        const exact = solveExact(problem);
        const domain = planDomain(problem);
        for (const seed of [0, 1, 2, 3]) {
          const result = optimize(problem, { algorithm, seed });
          expect(result.cost).toBeGreaterThanOrEqual(exact.cost);
          expect(result.cost).toBe(scheduleCost(problem, result.plan));
          expect(result.plan).toHaveLength(domain.length);
          result.plan.forEach((v, s) => {
            expect(Number.isInteger(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(domain[s]![0]);
            expect(v).toBeLessThanOrEqual(domain[s]![1]);
          });
        }
      }
    });

    it(`${algorithm}: same seed gives the same result, other seeds explore differently`, () => {
      const problem = problems[1]!;
      const a = optimize(problem, { algorithm, seed: 42, params: { restarts: 2 } });
      const b = optimize(problem, { algorithm, seed: 42, params: { restarts: 2 } });
      expect(b).toEqual(a);
      const plans = new Set([0, 1, 2, 3, 4, 5].map((seed) => optimize(problem, { algorithm, seed }).plan.join(',')));
      expect(plans.size).toBeGreaterThan(1);
    });

    it(`${algorithm}: more restarts never do worse than the first run alone`, () => {
      for (const problem of problems.slice(0, 6)) {
        const one = optimize(problem, { algorithm, seed: 9 });
        const five = optimize(problem, { algorithm, seed: 9, params: { restarts: 5 } });
        expect(five.cost).toBeLessThanOrEqual(one.cost);
        expect(five.evaluations).toBeGreaterThan(one.evaluations);
      }
    });
  }

  it('treats a missing seed as seed 0', () => {
    const problem = problems[0]!;
    expect(optimize(problem, { algorithm: 'annealing' })).toEqual(optimize(problem, { algorithm: 'annealing', seed: 0 }));
  });

  it('counts evaluations as the book algorithms prescribe', () => {
    const problem = problems[0]!;
    expect(optimize(problem, { algorithm: 'random' }).evaluations).toBe(1000);
    expect(optimize(problem, { algorithm: 'random', params: { guesses: 7, restarts: 3 } }).evaluations).toBe(21);
    // T = 10000 cooled by 0.95 while above 0.1: 225 iterations, plus the start plan.
    expect(annealingIterations(DEFAULT_PARAMS)).toBe(225);
    expect(optimize(problem, { algorithm: 'annealing' }).evaluations).toBe(226);
    // 50 initial plans, then 100 generations of 40 children (10 elite survive unevaluated).
    expect(optimize(problem, { algorithm: 'genetic' }).evaluations).toBe(50 + 100 * 40);
  });

  it('delegates exact to solveExact', () => {
    const problem = problems[2]!;
    expect(optimize(problem, { algorithm: 'exact', seed: 3 })).toEqual(solveExact(problem));
  });

  it('honours non-default parameters', () => {
    const problem = problems[3]!;
    const domain = planDomain(problem);
    for (const params of [{ step: 3 }, { step: 3, mutprob: 1 }, { elite: 1 }, { popsize: 1, maxiter: 3 }, { cool: 0.5 }]) {
      for (const algorithm of ['annealing', 'genetic'] as const) {
        const result = optimize(problem, { algorithm, params, seed: 1 });
        expect(result.cost).toBe(scheduleCost(problem, result.plan));
        result.plan.forEach((v, s) => expect(v).toBeLessThanOrEqual(domain[s]![1]));
      }
    }
  });

  it('rejects invalid parameters and unknown algorithms', () => {
    const problem = problems[0]!;
    expect(() => optimize(problem, { algorithm: 'annealing', params: { cool: 1 } })).toThrow(/cool/);
    expect(() => optimize(problem, { algorithm: 'random', params: { guesses: 0 } })).toThrow(/guesses/);
    expect(() => optimize(problem, { algorithm: 'genetic', params: { elite: 0 } })).toThrow(/elite/);
    expect(() => optimize(problem, { algorithm: 'hillclimb', params: { restarts: 1.5 } })).toThrow(/restarts/);
    expect(() => optimize(problem, { algorithm: 'toString' as Algorithm })).toThrow(/unknown/);
  });
});
