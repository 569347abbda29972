import { listsFromAssignment } from './assignment.js';
import { murmur3 } from './murmur3.js';
import { assertPartitionCount } from './validate.js';

/** Seed used by hashPartition, the same one Spark SQL's hash partitioning uses. */
export const HASH_SEED = 42;

/** Non-negative remainder of a signed 32-bit hash, like Spark's `pmod(hash, n)`. */
export function hashToPartition(hash: number, n: number): number {
  const r = (hash | 0) % n;
  return r < 0 ? r + n : r;
}

/**
 * Hash partitioning: key i goes to `pmod(murmur3(keys[i], 42) as signed int32, n)`.
 * A key's partition depends only on the key and n, never on the other keys,
 * so the same key always lands in the same partition for a given n.
 *
 * @param keys  the item keys; item i is identified by index i.
 * @param n     number of partitions, a positive integer.
 * @returns exactly n ascending lists of indices into `keys`.
 */
export function hashPartition(keys: readonly string[], n: number): number[][] {
  assertPartitionCount(n);
  const assignment = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== 'string') throw new TypeError(`key of item ${i} must be a string, got ${typeof key}`);
    assignment[i] = hashToPartition(murmur3(key, HASH_SEED), n);
  }
  return listsFromAssignment(assignment, n);
}
