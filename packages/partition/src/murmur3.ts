/**
 * MurmurHash3_x86_32 (Austin Appleby's reference algorithm) over the UTF-8
 * bytes of a string. Lone surrogates are encoded as U+FFFD, as TextEncoder does.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const encoder = new TextEncoder();

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function mixK1(k1: number): number {
  return Math.imul(rotl32(Math.imul(k1, C1), 15), C2);
}

function mixH1(h1: number, k1: number): number {
  return (Math.imul(rotl32(h1 ^ k1, 13), 5) + 0xe6546b64) | 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Hashes raw bytes with MurmurHash3_x86_32; returns the unsigned 32-bit result. */
export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  const length = bytes.length;
  const aligned = length & ~3;
  let h1 = seed | 0;
  for (let i = 0; i < aligned; i += 4) {
    const k1 = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h1 = mixH1(h1, mixK1(k1));
  }
  const tail = length - aligned;
  if (tail > 0) {
    let k1 = bytes[aligned]!;
    if (tail > 1) k1 |= bytes[aligned + 1]! << 8;
    if (tail > 2) k1 |= bytes[aligned + 2]! << 16;
    h1 ^= mixK1(k1);
  }
  return fmix32(h1 ^ length) >>> 0;
}

/**
 * MurmurHash3_x86_32 of the UTF-8 encoding of `key`.
 *
 * @param key   the string to hash.
 * @param seed  32-bit seed, default 0 (the reference default). Must be an
 *              integer in [-2^31, 2^32); negative values are taken as their
 *              two's-complement bit pattern, so -1 and 0xFFFFFFFF are the same seed.
 * @returns the hash as an unsigned 32-bit integer in [0, 2^32). Use `h | 0`
 *          for the signed value a JVM implementation would print.
 */
export function murmur3(key: string, seed = 0): number {
  if (typeof key !== 'string') throw new TypeError(`murmur3 key must be a string, got ${typeof key}`);
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    throw new RangeError(`murmur3 seed must be a 32-bit integer, got ${String(seed)}`);
  }
  return murmur3Bytes(encoder.encode(key), seed);
}
