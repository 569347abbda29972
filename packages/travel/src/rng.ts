/**
 * Small, fast, seedable pseudo-random numbers.
 *
 * `hashSeed` folds any mix of numbers and strings into a 32-bit seed with a
 * murmur-style mixer; `createRng` expands that seed with splitmix32 into the
 * 128-bit state of an sfc32 generator. Everything is pure integer arithmetic,
 * so sequences are identical on every platform and Node version.
 */

/** A generator of uniformly distributed floats in `[0, 1)`. */
export type Rng = () => number;

/** A seed component: integers, arbitrary numbers, or strings. */
export type SeedPart = number | string;

const TWO_POW_32 = 4294967296;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Mixes one 32-bit word into a running hash (murmur3 block step). */
function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  const x = rotl(h ^ k, 13);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

/** Final avalanche so that nearby inputs give unrelated outputs. */
function finalize(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function mixPart(h: number, part: SeedPart): number {
  if (typeof part === 'number') {
    if (Number.isSafeInteger(part)) {
      // Tag 1, then the low and high 32 bits (handles negatives and values beyond 2^32).
      const low = part % TWO_POW_32;
      const high = Math.floor(part / TWO_POW_32);
      return mixWord(mixWord(mixWord(h, 1), low | 0), high | 0);
    }
    return mixPart(mixWord(h, 2), String(part));
  }
  let x = mixWord(h, 3);
  for (let i = 0; i < part.length; i++) x = mixWord(x, part.charCodeAt(i));
  return mixWord(x, part.length);
}

/**
 * Hashes seed parts into an unsigned 32-bit integer. The type and boundaries
 * of each part count: `hashSeed('ab')`, `hashSeed('a', 'b')` and `hashSeed(1)`
 * vs `hashSeed('1')` all differ.
 */
export function hashSeed(...parts: SeedPart[]): number {
  let h = 0x2f6b_a1c3;
  for (const part of parts) h = mixPart(h, part);
  return finalize(mixWord(h, parts.length));
}

/** One splitmix32 step; returns the next state and an output word. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return [next, (z ^ (z >>> 15)) >>> 0];
}

/**
 * Creates a seeded sfc32 generator returning floats in `[0, 1)`.
 * The same seed parts always give the same sequence.
 */
export function createRng(...seeds: SeedPart[]): Rng {
  let s = hashSeed(...seeds);
  let a: number;
  let b: number;
  let c: number;
  let d: number;
  [s, a] = splitmix32(s);
  [s, b] = splitmix32(s);
  [s, c] = splitmix32(s);
  [s, d] = splitmix32(s);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = rotl(c, 21);
    c = (c + t) | 0;
    return (t >>> 0) / TWO_POW_32;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** A uniformly distributed integer in `[min, max]` (both inclusive). */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}
