import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur3 } from './murmur3.js';

/**
 * Published MurmurHash3_x86_32 vectors (unsigned), as produced by the SMHasher
 * reference code over UTF-8 bytes. Each was also recomputed with an independent
 * arbitrary-precision implementation (the BigInt one below follows the same spec).
 */
const VECTORS: ReadonlyArray<[key: string, seed: number, hash: number]> = [
  ['', 0, 0],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['abcd', 0x9747b28c, 0xf0478627],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
];

/*
 * Hand trace of murmur3("a", 0x9747b28c): one tail byte 0x61, length 1.
 *   k1 = 0x61 * 0xcc9e2d51          = 0x87ef2bb1 (mod 2^32)
 *   k1 = rotl(k1, 15)               = 0x95d8c3f7
 *   k1 = k1 * 0x1b873593            = 0x504ba9d5
 *   h1 = 0x9747b28c ^ k1            = 0xc70c1b59
 *   h1 ^= length (1)                = 0xc70c1b58
 *   h1 ^= h1 >>> 16                 = 0xc70cdc54
 *   h1 *= 0x85ebca6b                = 0x3d565f1c
 *   h1 ^= h1 >>> 13                 = 0x3d57b5ae
 *   h1 *= 0xc2b2ae35                = 0x7fa0e106
 *   h1 ^= h1 >>> 16                 = 0x7fa09ea6
 */

const MASK = 0xffffffffn;
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (32n - r))) & MASK;
const mixK = (k: bigint): bigint => (rotl((k * 0xcc9e2d51n) & MASK, 15n) * 0x1b873593n) & MASK;

/** Straightforward BigInt transcription of the reference algorithm, for differential testing. */
function referenceMurmur3(key: string, seed: number): number {
  const bytes = Buffer.from(key, 'utf8');
  let h = BigInt(seed >>> 0);
  const blocks = Math.floor(bytes.length / 4);
  for (let b = 0; b < blocks; b++) {
    h ^= mixK(BigInt(bytes.readUInt32LE(4 * b)));
    h = (rotl(h, 13n) * 5n + 0xe6546b64n) & MASK;
  }
  let tail = 0n;
  for (let i = bytes.length - 1; i >= blocks * 4; i--) tail = (tail << 8n) | BigInt(bytes[i]!);
  if (bytes.length % 4 !== 0) h ^= mixK(tail);
  h ^= BigInt(bytes.length);
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & MASK;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & MASK;
  h ^= h >> 16n;
  return Number(h);
}

describe('murmur3', () => {
  it.each(VECTORS)('murmur3(%j, %i) is the published value', (key, seed, hash) => {
    expect(murmur3(key, seed)).toBe(hash);
  });

  it('matches the hand-traced value for "a"', () => {
    expect(murmur3('a', 0x9747b28c)).toBe(0x7fa09ea6);
  });

  it('agrees with Spark SQL hash() with seed 42 for a string whose UTF-8 length is a multiple of 4', () => {
    // Spark: hash('0f42ad101c0e1c2243e1a0e87c600eb6f4e2a05a') = -912688121 (signed int32), 40 bytes.
    expect(murmur3('0f42ad101c0e1c2243e1a0e87c600eb6f4e2a05a', 42) | 0).toBe(-912688121);
  });

  it('defaults to seed 0', () => {
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });

  it('treats a negative seed as its 32-bit pattern', () => {
    expect(murmur3('', -1)).toBe(murmur3('', 0xffffffff));
  });

  it('hashes lone surrogates as U+FFFD, like TextEncoder', () => {
    expect(murmur3('\ud800')).toBe(murmur3('\ufffd'));
  });

  it('agrees with an independent BigInt implementation on arbitrary strings and seeds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 0, max: 0xffffffff }), (key, seed) => {
        expect(murmur3(key, seed)).toBe(referenceMurmur3(key, seed));
      }),
      { numRuns: 500 },
    );
  });

  it('returns an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (key) => {
        const h = murmur3(key, 42);
        expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
      }),
    );
  });

  it('rejects seeds that are not 32-bit integers', () => {
    for (const seed of [1.5, NaN, Infinity, 2 ** 32, -(2 ** 31) - 1]) {
      expect(() => murmur3('x', seed)).toThrow(RangeError);
    }
  });
});
