import { describe, expect, it } from 'vitest';
import { OptimizerSpec } from '@partita/contracts';
import { generateGroup } from '@partita/travel';
import { groupsTask, optimizeGroups } from '../../../../packages/kind-travel-plan/src/optimize-group.js';
import { generatedRoutes, planGroup } from './group-work.js';

const SEED = 7;

describe('planGroup', () => {
  it.each([
    { algorithm: 'genetic', maxiter: 5 },
    { algorithm: 'hillclimb', restarts: 2, seed: 3 },
    { algorithm: 'annealing', exactGap: true },
    { algorithm: 'exact' },
  ])('gives the rows a worker writes: %o', (input) => {
    const optimizer = OptimizerSpec.parse(input);
    const routes = generatedRoutes(SEED);
    for (let i = 0; i < 12; i++) {
      const group = generateGroup(SEED, i);
      const rows = planGroup(group, routes, optimizer);
      expect(rows).toHaveLength(group.travellers.length);
      expect([rows]).toEqual(optimizeGroups(groupsTask([group], routes, optimizer)));
    }
  });

  it('depends on the optimiser seed, as the worker’s rows do', () => {
    const routes = generatedRoutes(SEED);
    const groups = Array.from({ length: 12 }, (_, i) => generateGroup(SEED, i));
    const plans = (seed: number) =>
      groups.flatMap((g) => planGroup(g, routes, OptimizerSpec.parse({ algorithm: 'random', guesses: 3, seed })));
    expect(plans(1)).not.toEqual(plans(2));
  });
});

describe('generatedRoutes', () => {
  it('generates each route once and hands out the same flights again', () => {
    const routes = generatedRoutes(SEED);
    const a = routes('LHR', 'JFK');
    expect(a.length).toBeGreaterThan(0);
    expect(routes('LHR', 'JFK')).toBe(a);
    expect(routes('JFK', 'LHR')).not.toBe(a);
  });
});
