import { describe, expect, it } from 'vitest';
import { createRng, hashSeed } from './rng.js';

describe('createRng', () => {
  it('repeats the same sequence for the same seeds', () => {
    const a = createRng(1, 'x');
    const b = createRng(1, 'x');
    for (let i = 0; i < 100; i++) expect(a()).toBe(b());
  });

  it('gives different sequences for different seeds', () => {
    const first = (rng: () => number) => [rng(), rng(), rng()];
    expect(first(createRng(1))).not.toEqual(first(createRng(2)));
    expect(first(createRng(1, 2))).not.toEqual(first(createRng(2, 1)));
  });

  it('returns roughly uniform floats in [0, 1)', () => {
    const rng = createRng('uniform');
    const buckets = new Array<number>(10).fill(0);
    const draws = 100_000;
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < draws; i++) {
      const x = rng();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
      buckets[Math.floor(x * 10)]!++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / draws - 0.5)).toBeLessThan(0.01);
    for (const count of buckets) expect(Math.abs(count - draws / 10)).toBeLessThan(draws / 100);
  });
});

describe('hashSeed', () => {
  it('is a deterministic unsigned 32-bit value', () => {
    const h = hashSeed('route', 'LHR', 'JFK', 7);
    expect(h).toBe(hashSeed('route', 'LHR', 'JFK', 7));
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
  });

  it('distinguishes part boundaries, types and large or fractional numbers', () => {
    const values = [
      hashSeed('ab'),
      hashSeed('a', 'b'),
      hashSeed(1),
      hashSeed('1'),
      hashSeed(2 ** 32 + 1),
      hashSeed(1.5),
      hashSeed(-1),
      hashSeed(),
    ];
    expect(new Set(values).size).toBe(values.length);
  });

  it('spreads consecutive integers', () => {
    const hashes = new Set(Array.from({ length: 10_000 }, (_, i) => hashSeed(i)));
    expect(hashes.size).toBe(10_000);
  });
});
