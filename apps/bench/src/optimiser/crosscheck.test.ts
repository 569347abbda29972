import { describe, expect, it } from 'vitest';
import { BRUTE_FORCE_LIMIT, bruteForce, solveExact, type Flight } from '@partita/travel';
import { REDUCED_FLIGHTS, REDUCED_TRAVELLERS, crossCheck, planCount, reduce, thin } from './crosscheck.js';
import { generatedProblems } from './problems.js';

const route = (count: number): Flight[] =>
  Array.from({ length: count }, (_, k) => ({
    origin: 'AAA',
    destination: 'BBB',
    depart: 360 + 10 * k,
    arrive: 420 + 10 * k,
    price: 100 + k,
  }));

describe('thin', () => {
  it('keeps first and last and spreads the rest evenly', () => {
    const thinned = thin(route(31), 6);
    expect(thinned.map((f) => f.depart)).toEqual([0, 6, 12, 18, 24, 30].map((k) => 360 + 10 * k));
  });

  it('keeps distinct flights of a route as long as the count, and all of a shorter route', () => {
    const r = route(10);
    const thinned = thin(r, 6);
    expect(new Set(thinned).size).toBe(6);
    expect(thin(r, 12)).toEqual(r);
  });
});

describe('reduce', () => {
  it('keeps the first travellers and thins every route, within brute force reach', () => {
    const [problem] = generatedProblems(42, 1);
    const small = reduce(problem!, REDUCED_TRAVELLERS, REDUCED_FLIGHTS);
    expect(small.group.travellers).toEqual(problem!.group.travellers.slice(0, REDUCED_TRAVELLERS));
    expect(small.outbound).toHaveLength(REDUCED_TRAVELLERS);
    expect(small.inbound).toHaveLength(REDUCED_TRAVELLERS);
    for (const r of [...small.outbound, ...small.inbound]) expect(r).toHaveLength(REDUCED_FLIGHTS);
    expect(planCount(small)).toBe(REDUCED_FLIGHTS ** (2 * REDUCED_TRAVELLERS));
    expect(planCount(small)).toBeLessThanOrEqual(BRUTE_FORCE_LIMIT);
    expect(solveExact(small).cost).toBe(bruteForce(small).cost);
  });
});

describe('crossCheck', () => {
  const problems = generatedProblems(42, 5);

  it('finds the exact solver in agreement on every reduced group', () => {
    const result = crossCheck(problems);
    expect(result.reduced).toEqual({ checked: 5, disagreements: [] });
    expect(result.whole.disagreements).toEqual([]);
    expect(result.whole.checked).toBe(problems.filter((p) => planCount(p) <= BRUTE_FORCE_LIMIT).length);
  });

  it('reports a solver that is off', () => {
    const result = crossCheck(problems, (p) => solveExact(p).cost + 1);
    expect(result.reduced.disagreements).toHaveLength(5);
    const d = result.reduced.disagreements[0]!;
    expect(d.exact).toBe(d.bruteForce + 1);
    expect(d.group).toBe(problems[0]!.group.id);
  });
});
