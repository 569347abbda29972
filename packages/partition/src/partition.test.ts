import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balance } from './balance.js';
import { costAwarePartition } from './cost-aware.js';
import { hashPartition } from './hash.js';
import { PARTITIONERS, partition } from './partition.js';
import type { PartitionItem, PartitionerName } from './partition.js';
import { roundRobinPartition } from './round-robin.js';

const items = fc.array(fc.record({ key: fc.string(), cost: fc.double({ min: Number.MIN_VALUE, max: 1e6, noNaN: true }) }), {
  maxLength: 200,
});
const partitionCount = fc.integer({ min: 1, max: 50 });
const partitioner = fc.constantFrom(...PARTITIONERS);

describe('partition (every partitioner)', () => {
  it('lists all three partitioners', () => {
    expect([...PARTITIONERS].sort()).toEqual(['cost-aware', 'hash', 'round-robin']);
  });

  it('returns exactly n lists', () => {
    fc.assert(
      fc.property(items, partitionCount, partitioner, (xs, n, by) => {
        expect(partition(xs, n, by)).toHaveLength(n);
      }),
    );
  });

  it('places every item index in exactly one list, ascending within each list', () => {
    fc.assert(
      fc.property(items, partitionCount, partitioner, (xs, n, by) => {
        const plan = partition(xs, n, by);
        const seen = new Array<number>(xs.length).fill(0);
        for (const list of plan) {
          for (let j = 0; j < list.length; j++) {
            const index = list[j]!;
            expect(Number.isInteger(index) && index >= 0 && index < xs.length).toBe(true);
            if (j > 0) expect(index).toBeGreaterThan(list[j - 1]!);
            seen[index]! += 1;
          }
        }
        expect(seen.every((times) => times === 1)).toBe(true);
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(items, partitionCount, partitioner, (xs, n, by) => {
        const copy = xs.map((item) => ({ ...item }));
        expect(partition(copy, n, by)).toEqual(partition(xs, n, by));
      }),
    );
  });

  it('delegates to the named partitioner', () => {
    fc.assert(
      fc.property(items, partitionCount, (xs, n) => {
        expect(partition(xs, n, 'hash')).toEqual(
          hashPartition(
            xs.map((x) => x.key),
            n,
          ),
        );
        expect(partition(xs, n, 'round-robin')).toEqual(roundRobinPartition(xs.length, n));
        expect(partition(xs, n, 'cost-aware')).toEqual(
          costAwarePartition(
            xs.map((x) => x.cost),
            n,
          ),
        );
      }),
    );
  });

  it('leaves partitions empty when there are more partitions than items', () => {
    for (const by of PARTITIONERS) {
      const plan = partition([{ key: 'only', cost: 1 }], 4, by);
      expect(plan.filter((list) => list.length === 0)).toHaveLength(3);
    }
  });

  it('rejects a partition count that is not a positive integer', () => {
    for (const by of PARTITIONERS) {
      for (const n of [0, -1, 1.5, NaN, Infinity]) {
        expect(() => partition([{ key: 'a', cost: 1 }], n, by)).toThrow(RangeError);
      }
    }
  });

  it('rejects negative or non-finite costs under every partitioner', () => {
    for (const by of PARTITIONERS) {
      for (const cost of [-1, NaN, Infinity]) {
        expect(() => partition([{ key: 'a', cost }], 2, by)).toThrow(/cost of item 0/);
      }
    }
  });

  it('rejects an unknown partitioner name', () => {
    expect(() => partition([], 2, 'random' as PartitionerName)).toThrow(RangeError);
  });
});

/** Deterministic pseudo-random numbers in [0, 1), so the example is reproducible. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function ratios(xs: readonly PartitionItem[], n: number): Record<PartitionerName, number> {
  const costs = xs.map((x) => x.cost);
  return {
    hash: balance(costs, partition(xs, n, 'hash')).ratio,
    'round-robin': balance(costs, partition(xs, n, 'round-robin')).ratio,
    'cost-aware': balance(costs, partition(xs, n, 'cost-aware')).ratio,
  };
}

describe('why cost-aware: skewed costs', () => {
  it('balances a job where a few items carry most of the cost better than hash and round-robin', () => {
    // 2,000 files: every 100th is a huge one (cost 1,000), the rest cost 1–5.
    const random = lcg(7);
    const xs = Array.from({ length: 2000 }, (_, i) => ({
      key: `file-${i}.parquet`,
      cost: i % 100 === 0 ? 1000 : 1 + Math.floor(random() * 5),
    }));
    const r = ratios(xs, 16);
    expect(r['cost-aware']).toBeLessThanOrEqual(r.hash);
    expect(r['cost-aware']).toBeLessThanOrEqual(r['round-robin']);
    expect(r['cost-aware']).toBeLessThan(1.3);
    expect(r.hash).toBeGreaterThan(1.5);
    expect(r['round-robin']).toBeGreaterThan(1.5);
  });

  it('does the same on a Zipf-like cost distribution', () => {
    const random = lcg(42);
    const ranks = Array.from({ length: 5000 }, (_, i) => i);
    for (let i = ranks.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
    }
    const xs = ranks.map((rank, i) => ({ key: `part-${i}`, cost: 100_000 / (rank + 1) ** 1.1 }));
    for (const n of [4, 32, 256]) {
      const r = ratios(xs, n);
      expect(r['cost-aware']).toBeLessThanOrEqual(r.hash);
      expect(r['cost-aware']).toBeLessThanOrEqual(r['round-robin']);
    }
  });
});
