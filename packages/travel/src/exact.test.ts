import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForce } from './brute-force.js';
import { scheduleCost } from './cost.js';
import { solveExact } from './exact.js';
import { planDomain } from './problem.js';
import type { Flight, TravelProblem } from './types.js';

/** Random small problems: 1–3 travellers, 1–5 flights per route. */
function arbitraryProblem(time: fc.Arbitrary<number>, price: fc.Arbitrary<number>): fc.Arbitrary<TravelProblem> {
  const leg = fc.record({ depart: time, duration: fc.integer({ min: 1, max: 900 }), price });
  const route = fc.array(leg, { minLength: 1, maxLength: 5 });
  return fc.array(fc.record({ out: route, back: route }), { minLength: 1, maxLength: 3 }).map((people) => {
    const toFlights = (legs: Array<{ depart: number; duration: number; price: number }>, o: string, d: string) =>
      legs.map((l): Flight => ({ origin: o, destination: d, depart: l.depart, arrive: l.depart + l.duration, price: l.price }));
    return {
      group: { id: 'fc', destination: 'DST', travellers: people.map((_, i) => ({ name: `P${i}`, origin: `T${i}` })) },
      outbound: people.map((p, i) => toFlights(p.out, `T${i}`, 'DST')),
      inbound: people.map((p, i) => toFlights(p.back, 'DST', `T${i}`)),
    };
  });
}

function checkAgainstBruteForce(problem: TravelProblem): void {
  const exact = solveExact(problem);
  const brute = bruteForce(problem);
  expect(exact.cost).toBe(brute.cost);
  expect(scheduleCost(problem, exact.plan)).toBe(exact.cost);
  const domain = planDomain(problem);
  exact.plan.forEach((v, s) => {
    expect(Number.isInteger(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(domain[s]![0]);
    expect(v).toBeLessThanOrEqual(domain[s]![1]);
  });
}

describe('solveExact', () => {
  it('equals brute force on random small instances (whole minutes, whole dollars)', () => {
    const problems = arbitraryProblem(fc.integer({ min: 0, max: 1440 }), fc.integer({ min: 1, max: 500 }));
    fc.assert(fc.property(problems, checkAgainstBruteForce), { numRuns: 500 });
  });

  it('equals brute force when many times coincide (ties)', () => {
    const problems = arbitraryProblem(fc.constantFrom(600, 660, 720), fc.constantFrom(50, 100));
    fc.assert(fc.property(problems, checkAgainstBruteForce), { numRuns: 300 });
  });

  it('equals brute force for fractional times and prices (comparator-sort path)', () => {
    // Quarter minutes and quarter dollars: non-integral, yet every sum is exact in binary floating point.
    const quarter = (max: number) => fc.integer({ min: 0, max: 4 * max }).map((q) => q / 4);
    const problems = arbitraryProblem(
      quarter(1440),
      quarter(500).map((p) => p + 0.25),
    );
    fc.assert(fc.property(problems, checkAgainstBruteForce), { numRuns: 300 });
  });

  it('equals brute force for widely spread times (comparator-sort path)', () => {
    const problems = arbitraryProblem(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 1, max: 500 }));
    fc.assert(fc.property(problems, checkAgainstBruteForce), { numRuns: 200 });
  });

  it('weighs the $50 extra day against a dearer later return', () => {
    // One traveller arriving at 1000. Returning at 800 costs $0 + $50 (1000 > 800);
    // returning at 1010 costs `late` and no fee. One traveller never waits.
    const f = (depart: number, arrive: number, price: number): Flight => ({ origin: 'X', destination: 'Y', depart, arrive, price });
    const withLateFare = (late: number): TravelProblem => ({
      group: { id: 'x', destination: 'Y', travellers: [{ name: 'A', origin: 'X' }] },
      outbound: [[f(900, 1000, 0)]],
      inbound: [[f(800, 900, 0), f(1010, 1110, late)]],
    });
    expect(solveExact(withLateFare(60))).toMatchObject({ plan: [0, 0], cost: 50 });
    expect(solveExact(withLateFare(40))).toMatchObject({ plan: [0, 1], cost: 40 });
  });

  it('handles a forced extra day with waiting on both sides', () => {
    // B only arrives at 1000 and only departs at 800, so L = 1000 > E = 800 always.
    // A: arrive 700 ($0, waits 300) beats arrive 1000 ($500); depart 800 (waits 0)
    // beats 1100 (waits 300). Total 300 + 50 = 350.
    const f = (depart: number, arrive: number, price: number): Flight => ({ origin: 'X', destination: 'Y', depart, arrive, price });
    const problem: TravelProblem = {
      group: {
        id: 'x',
        destination: 'Y',
        travellers: [
          { name: 'A', origin: 'X' },
          { name: 'B', origin: 'X' },
        ],
      },
      outbound: [[f(600, 700, 0), f(900, 1000, 500)], [f(900, 1000, 0)]],
      inbound: [[f(800, 900, 0), f(1100, 1200, 0)], [f(800, 900, 0)]],
    };
    expect(solveExact(problem)).toMatchObject({ plan: [0, 0, 0, 0], cost: 350 });
    expect(bruteForce(problem).cost).toBe(350);
  });
});

describe('bruteForce', () => {
  it('refuses problems with more plans than the limit', () => {
    const route: Flight[] = Array.from({ length: 40 }, (_, k) => ({ origin: 'A', destination: 'B', depart: k, arrive: k + 60, price: 10 }));
    const problem: TravelProblem = {
      group: {
        id: 'big',
        destination: 'B',
        travellers: [
          { name: 'A', origin: 'A' },
          { name: 'B', origin: 'A' },
        ],
      },
      outbound: [route, route],
      inbound: [route, route],
    };
    // 40^4 = 2 560 000 plans > 2e6.
    expect(() => bruteForce(problem)).toThrow(/2560000 plans/);
    expect(bruteForce(problem, 3_000_000).evaluations).toBe(2_560_000);
  });
});
