import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TravelPlanSpec, ValidationError } from '@partita/contracts';
import { fromRanges } from '@partita/partition';
import type { PlanLimits } from '@partita/sdk';
import { groupSize } from '@partita/travel';
import { GroupRefs } from './plan.js';
import { planTravel } from './plan.fixture.js';

const JOB = '6f1c1f43-1c55-4a43-9d0b-2f3b0c6f7a10';
const generated = (groups: number, partitions: number, partitioner: 'hash' | 'round-robin' | 'cost-aware') =>
  TravelPlanSpec.parse({ kind: 'travel-plan', input: { generate: { groups, seed: 9 } }, partitions, partitioner });
const LIMITS: PlanLimits = {
  partitions: 10_000,
  units: 1_000_000,
  rows: 1_000_000_000,
  statementTimeoutMs: 21_600_000,
  planTimeoutMs: 30_000,
};

const refs = (groups: number) => Array.from({ length: groups }, (_, i) => ({ key: String(i), size: groupSize(9, i) }));

describe('planTravel', () => {
  it('puts every generated group in exactly one partition, as index ranges in a valid payload', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom('hash' as const, 'round-robin' as const, 'cost-aware' as const),
        async (groups, partitions, by) => {
          const plan = await planTravel(JOB, generated(groups, partitions, by), refs(groups), LIMITS);
          expect(plan.partitions.length).toBeLessThanOrEqual(Math.min(groups, partitions));
          const seen: number[] = [];
          plan.partitions.forEach((p, i) => {
            expect(p.index).toBe(i);
            const units = GroupRefs.parse(p.units);
            if (!('ranges' in units)) throw new Error('expected ranges');
            const indices = fromRanges(units.ranges);
            expect(indices.length).toBe(p.items);
            seen.push(...indices);
          });
          expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: groups }, (_, i) => i));
          expect(plan.itemsTotal).toBe(groups);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('cost-aware spreads the estimated work at least as evenly as round-robin and hash on skewed groups', async () => {
    const max = async (by: 'hash' | 'round-robin' | 'cost-aware') =>
      Math.max(...(await planTravel(JOB, generated(2000, 16, by), refs(2000), LIMITS)).partitions.map((p) => p.estimatedCost));
    expect(await max('cost-aware')).toBeLessThanOrEqual(await max('round-robin'));
    expect(await max('cost-aware')).toBeLessThanOrEqual(await max('hash'));
  });

  it('refers to inline groups by id, and rejects duplicate ids and missing routes with the field', async () => {
    const flights = [
      { origin: 'BOS', destination: 'LGA', depart: '6:00', arrive: '7:10', price: 100 },
      { origin: 'LGA', destination: 'BOS', depart: '18:00', arrive: '19:05', price: 90 },
    ];
    const group = (id: string) => ({ id, destination: 'LGA', travellers: [{ name: 'A', origin: 'BOS' }] });
    const spec = (groups: unknown[]) =>
      TravelPlanSpec.parse({ kind: 'travel-plan', input: { inline: { groups, flights } }, partitions: 2 });
    const plan = await planTravel(
      JOB,
      spec([group('x'), group('y')]),
      [
        { key: 'x', size: 1 },
        { key: 'y', size: 1 },
      ],
      LIMITS,
    );
    expect(plan.partitions.map((p) => GroupRefs.parse(p.units))).toEqual(expect.arrayContaining([{ ids: ['x'] }, { ids: ['y'] }]));

    const dup = () =>
      planTravel(
        JOB,
        spec([group('x'), group('x')]),
        [
          { key: 'x', size: 1 },
          { key: 'x', size: 1 },
        ],
        LIMITS,
      );
    await expect(dup()).rejects.toThrow(ValidationError);
    await expect(dup()).rejects.toThrow(/input\.inline\.groups\[1\]\.id: duplicate group id "x"/);
    const far = { id: 'z', destination: 'LGA', travellers: [{ name: 'B', origin: 'ORD' }] };
    await expect(planTravel(JOB, spec([far]), [{ key: 'z', size: 1 }], LIMITS)).rejects.toThrow(
      /travellers\[0\]: no flights from ORD to LGA/,
    );
  });
});
