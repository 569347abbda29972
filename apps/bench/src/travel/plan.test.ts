import { describe, expect, it } from 'vitest';
import { TravelPlanSpec, type JobView } from '@partita/contracts';
import { fromRanges } from '@partita/partition';
import { groupSize } from '@partita/travel';
import { planTravel } from '../../../master/src/planning/travel-planner.js';
import { assertPlannedAs, planGenerated } from './plan.js';

const LIMITS = {
  partitions: 10_000,
  groups: 1_000_000,
  rows: 1_000_000_000,
  statementTimeoutMs: 21_600_000,
  planTimeoutMs: 30_000,
  queuedPartitionsPerToken: 200_000,
};
const spec = (partitioner: 'hash' | 'round-robin' | 'cost-aware', partitions: number, groups = 300) =>
  TravelPlanSpec.parse({
    kind: 'travel-plan',
    input: { generate: { groups, seed: 5 } },
    optimizer: { algorithm: 'hillclimb' },
    partitioner,
    partitions,
  });

/** What the master plans for `s`, as lists of group indices with their estimated work. */
function masterPlan(s: TravelPlanSpec) {
  if (!('generate' in s.input)) throw new Error('generated input expected');
  const { groups, seed } = s.input.generate;
  const refs = Array.from({ length: groups }, (_, i) => ({ key: String(i), size: groupSize(seed, i) }));
  return planTravel('00000000-0000-4000-8000-000000000000', s, refs, LIMITS).partitions.map((p) => {
    if (p.payload.kind !== 'travel-plan' || !('ranges' in p.payload.groups)) throw new Error('ranges expected');
    return { groups: fromRanges(p.payload.groups.ranges), estimatedCost: p.estimatedCost };
  });
}

describe('planGenerated', () => {
  it.each([
    ['hash', 16],
    ['round-robin', 16],
    ['cost-aware', 16],
    ['round-robin', 40],
    ['cost-aware', 500],
  ] as const)('makes the partitions the master makes: %s, %i partitions', (by, n) => {
    const s = spec(by, n);
    const mine = planGenerated(s);
    const master = masterPlan(s);
    expect(mine.map((p) => p.groups)).toEqual(master.map((p) => p.groups));
    mine.forEach((p, i) => expect(p.estimatedCost).toBeCloseTo(master[i]!.estimatedCost, 6));
    expect(mine.length).toBe(Math.min(n, 300));
  });
});

describe('assertPlannedAs', () => {
  const planned = planGenerated(spec('cost-aware', 4));
  const job = (parts: { index: number; items: number; estimatedCost: number }[]) => ({ id: 'j', partitions: parts }) as unknown as JobView;
  const asPlanned = planned.map((p, index) => ({ index, items: p.groups.length, estimatedCost: p.estimatedCost }));

  it('accepts the job’s partitions in any listed order', () => {
    expect(() => assertPlannedAs(job([...asPlanned].reverse()), planned)).not.toThrow();
  });

  it('rejects other counts, sizes or estimates', () => {
    expect(() => assertPlannedAs(job(asPlanned.slice(1)), planned)).toThrow(/not partitioned/);
    expect(() => assertPlannedAs(job(asPlanned.map((p, i) => (i === 0 ? { ...p, items: p.items + 1 } : p))), planned)).toThrow();
    expect(() =>
      assertPlannedAs(job(asPlanned.map((p, i) => (i === 0 ? { ...p, estimatedCost: p.estimatedCost * 1.01 } : p))), planned),
    ).toThrow();
  });
});
