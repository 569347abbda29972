import { describe, expect, it } from 'vitest';
import { airports } from './airports.js';
import { MAX_GROUP_SIZE, MIN_GROUP_SIZE, generateGroup, groupSize } from './group.js';

describe('generateGroup', () => {
  it('is reproducible from (seed, index) and varies with both', () => {
    expect(generateGroup(1, 17)).toEqual(generateGroup(1, 17));
    expect(generateGroup(1, 17)).not.toEqual(generateGroup(1, 18));
    expect(generateGroup(1, 17)).not.toEqual(generateGroup(2, 17));
  });

  it('builds well-formed groups', () => {
    const codes = new Set(airports().map((a) => a.code));
    for (let index = 0; index < 500; index++) {
      const group = generateGroup(3, index);
      expect(group.id).toBe(`g${index}`);
      expect(codes.has(group.destination)).toBe(true);
      const names = group.travellers.map((t) => t.name);
      expect(new Set(names).size).toBe(names.length);
      for (const t of group.travellers) {
        expect(t.name).toMatch(/^[A-Z][a-z]+$/);
        expect(codes.has(t.origin)).toBe(true);
        expect(t.origin).not.toBe(group.destination);
      }
    }
  });

  it('mostly draws travellers from near the destination', () => {
    // Weight 1 / (1 + (km / 2500)^2): far more short than long trips overall.
    let near = 0;
    let total = 0;
    const byCode = new Map(airports().map((a) => [a.code, a]));
    for (let index = 0; index < 300; index++) {
      const group = generateGroup(4, index);
      const d = byCode.get(group.destination)!;
      for (const t of group.travellers) {
        const o = byCode.get(t.origin)!;
        total++;
        if (Math.hypot(o.lat - d.lat, o.lon - d.lon) < 40) near++;
      }
    }
    expect(near / total).toBeGreaterThan(0.5);
  });
});

describe('groupSize', () => {
  it('agrees with generateGroup', () => {
    for (let index = 0; index < 2000; index++) {
      expect(groupSize(8, index)).toBe(generateGroup(8, index).travellers.length);
    }
  });

  it('is heavy-tailed within 3..30: mean well below the midpoint, top 1% far above the median', () => {
    const sizes = Array.from({ length: 20_000 }, (_, i) => groupSize(11, i)).sort((a, b) => a - b);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const median = sizes[sizes.length >> 1]!;
    const p99 = sizes[Math.floor(sizes.length * 0.99)]!;
    expect(sizes[0]).toBe(MIN_GROUP_SIZE);
    expect(sizes.at(-1)).toBe(MAX_GROUP_SIZE);
    expect(sizes.every((s) => Number.isInteger(s))).toBe(true);
    const midpoint = (MIN_GROUP_SIZE + MAX_GROUP_SIZE) / 2;
    expect(mean).toBeLessThan(0.6 * midpoint);
    expect(p99).toBeGreaterThanOrEqual(4 * median);
    // Documented shape: median 5, mean ~ 6.7, p99 ~ 27.
    expect(median).toBe(5);
    expect(mean).toBeGreaterThan(6);
    expect(mean).toBeLessThan(7.5);
    // Every size occurs.
    expect(new Set(sizes).size).toBe(MAX_GROUP_SIZE - MIN_GROUP_SIZE + 1);
  });
});
