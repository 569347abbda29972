import { describe, expect, it } from 'vitest';
import { buildProblem, planDomain } from './problem.js';
import type { Flight, Group } from './types.js';

const group: Group = {
  id: 'g1',
  destination: 'LGA',
  travellers: [
    { name: 'Ana', origin: 'BOS' },
    { name: 'Bo', origin: 'ORD' },
  ],
};

function route(origin: string, destination: string, count: number): Flight[] {
  return Array.from({ length: count }, (_, k) => ({ origin, destination, depart: 600 + k, arrive: 700 + k, price: 100 }));
}

describe('buildProblem', () => {
  it('collects outbound and return routes per traveller, in traveller order', () => {
    const sizes: Record<string, number> = { 'BOS-LGA': 3, 'LGA-BOS': 4, 'ORD-LGA': 5, 'LGA-ORD': 6 };
    const problem = buildProblem(group, (o, d) => route(o, d, sizes[`${o}-${d}`] ?? 0));
    expect(problem.group).toBe(group);
    expect(problem.outbound.map((r) => r.length)).toEqual([3, 5]);
    expect(problem.inbound.map((r) => r.length)).toEqual([4, 6]);
    expect(problem.outbound[1]![0]!.origin).toBe('ORD');
    expect(problem.inbound[0]![0]!.destination).toBe('BOS');
    expect(planDomain(problem)).toEqual([
      [0, 2],
      [0, 3],
      [0, 4],
      [0, 5],
    ]);
  });

  it('copies the flight lists', () => {
    const shared = route('X', 'Y', 2);
    const problem = buildProblem(group, () => shared);
    shared.pop();
    expect(problem.outbound[0]).toHaveLength(2);
  });

  it('names the route that has no flights', () => {
    const lookup = (o: string, d: string) => (o === 'LGA' && d === 'ORD' ? [] : route(o, d, 2));
    expect(() => buildProblem(group, lookup)).toThrow(/LGA->ORD.*Bo/);
  });

  it('rejects a group without travellers', () => {
    expect(() => buildProblem({ id: 'empty', destination: 'LGA', travellers: [] }, () => route('A', 'B', 1))).toThrow(/no travellers/);
  });
});
