import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TravelPartitionPayload, TravelPlanSpec, ValidationError } from '@partita/contracts';
import { fromRanges } from '@partita/partition';
import { groupSize } from '@partita/travel';
import { planTravel } from './travel-planner.js';

const JOB = '6f1c1f43-1c55-4a43-9d0b-2f3b0c6f7a10';
const generated = (groups: number, partitions: number, partitioner: 'hash' | 'round-robin' | 'cost-aware') =>
  TravelPlanSpec.parse({ kind: 'travel-plan', input: { generate: { groups, seed: 9 } }, partitions, partitioner });
const LIMITS = {
  partitions: 10_000,
  groups: 1_000_000,
  rows: 1_000_000_000,
  statementTimeoutMs: 21_600_000,
  planTimeoutMs: 30_000,
  queuedPartitionsPerToken: 200_000,
};
const refs = (groups: number) => Array.from({ length: groups }, (_, i) => ({ key: String(i), size: groupSize(9, i) }));

describe('planTravel', () => {
  it('puts every generated group in exactly one partition, as index ranges in a valid payload', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom('hash' as const, 'round-robin' as const, 'cost-aware' as const),
        (groups, partitions, by) => {
          const plan = planTravel(JOB, generated(groups, partitions, by), refs(groups), LIMITS);
          expect(plan.partitions.length).toBeLessThanOrEqual(Math.min(groups, partitions));
          const seen: number[] = [];
          plan.partitions.forEach((p, i) => {
            expect(p.index).toBe(i);
            const payload = TravelPartitionPayload.parse(p.payload);
            expect(payload.jobId).toBe(JOB);
            if (!('ranges' in payload.groups)) throw new Error('expected ranges');
            const indices = fromRanges(payload.groups.ranges);
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

  it('cost-aware spreads the estimated work at least as evenly as round-robin and hash on skewed groups', () => {
    const max = (by: 'hash' | 'round-robin' | 'cost-aware') =>
      Math.max(...planTravel(JOB, generated(2000, 16, by), refs(2000), LIMITS).partitions.map((p) => p.estimatedCost));
    expect(max('cost-aware')).toBeLessThanOrEqual(max('round-robin'));
    expect(max('cost-aware')).toBeLessThanOrEqual(max('hash'));
  });

  it('refers to inline groups by id, and rejects duplicate ids and missing routes with the field', () => {
    const flights = [
      { origin: 'BOS', destination: 'LGA', depart: '6:00', arrive: '7:10', price: 100 },
      { origin: 'LGA', destination: 'BOS', depart: '18:00', arrive: '19:05', price: 90 },
    ];
    const group = (id: string) => ({ id, destination: 'LGA', travellers: [{ name: 'A', origin: 'BOS' }] });
    const spec = (groups: unknown[]) =>
      TravelPlanSpec.parse({ kind: 'travel-plan', input: { inline: { groups, flights } }, partitions: 2 });
    const plan = planTravel(
      JOB,
      spec([group('x'), group('y')]),
      [
        { key: 'x', size: 1 },
        { key: 'y', size: 1 },
      ],
      LIMITS,
    );
    expect(plan.partitions.map((p) => TravelPartitionPayload.parse(p.payload).groups)).toEqual(
      expect.arrayContaining([{ ids: ['x'] }, { ids: ['y'] }]),
    );

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
    expect(dup).toThrow(ValidationError);
    expect(dup).toThrow(/input\.inline\.groups\[1\]\.id: duplicate group id "x"/);
    const far = { id: 'z', destination: 'LGA', travellers: [{ name: 'B', origin: 'ORD' }] };
    expect(() => planTravel(JOB, spec([far]), [{ key: 'z', size: 1 }], LIMITS)).toThrow(/travellers\[0\]: no flights from ORD to LGA/);
  });
});
