import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HASH_SEED, hashPartition } from './hash.js';
import { murmur3 } from './murmur3.js';

/** The partition holding item `index` in a plan. */
function partitionOf(plan: number[][], index: number): number {
  return plan.findIndex((list) => list.includes(index));
}

describe('hashPartition', () => {
  it('puts a key in the same partition regardless of the other keys', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.string(), { maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 1, max: 64 }),
        (key, others, at, n) => {
          const position = at % (others.length + 1);
          const keys = [...others.slice(0, position), key, ...others.slice(position)];
          expect(partitionOf(hashPartition(keys, n), position)).toBe(partitionOf(hashPartition([key], n), 0));
        },
      ),
    );
  });

  it('places a key at pmod(murmur3(key, 42) as signed int32, n)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 1000 }), (key, n) => {
        const signed = murmur3(key, HASH_SEED) | 0;
        const expected = ((signed % n) + n) % n;
        expect(partitionOf(hashPartition([key], n), 0)).toBe(expected);
      }),
    );
  });

  it('reproduces the partition Spark SQL computes as pmod(hash(key), 200)', () => {
    // hash(...) = -912688121 in Spark, and pmod(-912688121, 200) = 79.
    const plan = hashPartition(['0f42ad101c0e1c2243e1a0e87c600eb6f4e2a05a'], 200);
    expect(plan[79]).toEqual([0]);
  });

  it('rejects non-string keys', () => {
    expect(() => hashPartition([1 as unknown as string], 2)).toThrow(TypeError);
  });
});
