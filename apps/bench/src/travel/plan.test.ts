import { describe, expect, it } from 'vitest';
import { TravelPlanSpec, type JobView } from '@partita/contracts';
import travel from '@partita/kind-travel-plan';
import { fromRanges } from '@partita/partition';
import { planKind } from '@partita/sdk';
import { assertPlannedAs, planGenerated } from './plan.js';

const LIMITS = { partitions: 10_000, units: 1_000_000, rows: 1_000_000_000, statementTimeoutMs: 21_600_000, planTimeoutMs: 30_000 };
const spec = (partitioner: 'hash' | 'round-robin' | 'cost-aware', partitions: number, groups = 300) =>
  TravelPlanSpec.parse({
    kind: 'travel-plan',
    input: { generate: { groups, seed: 5 } },
    optimizer: { algorithm: 'hillclimb' },
    partitioner,
    partitions,
  });

/** What the master plans for `s` (the travel kind's units packed by the platform), as group indices with their work. */
async function masterPlan(s: TravelPlanSpec) {
  const plan = await planKind(travel, s, {
    jobId: '00000000-0000-4000-8000-000000000000',
    source: () => {
      throw new Error('a generated input reads no source');
    },
    exportSnapshot: () => Promise.reject(new Error('no source')),
    keepSnapshot: () => undefined,
    limits: LIMITS,
    signal: new AbortController().signal,
  });
  return plan.partitions.map((p) => {
    const units = p.units as { ranges?: [number, number][] };
    if (!units.ranges) throw new Error('ranges expected');
    return { groups: fromRanges(units.ranges), estimatedCost: p.estimatedCost };
  });
}

describe('planGenerated', () => {
  it.each([
    ['hash', 16],
    ['round-robin', 16],
    ['cost-aware', 16],
    ['round-robin', 40],
    ['cost-aware', 500],
  ] as const)('makes the partitions the master makes: %s, %i partitions', async (by, n) => {
    const s = spec(by, n);
    const mine = planGenerated(s);
    const master = await masterPlan(s);
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
