import { describe, expect, it } from 'vitest';
import { HEURISTICS, measureQuality } from './quality.js';
import { generatedProblems } from './problems.js';

describe('measureQuality', () => {
  const result = measureQuality(generatedProblems(42, 12), 2);

  it('summarises every heuristic over every group', () => {
    expect(Object.keys(result.heuristics).sort()).toEqual([...HEURISTICS].sort());
    expect(HEURISTICS).not.toContain('exact');
    for (const h of HEURISTICS) {
      const s = result.heuristics[h];
      expect(s.groups).toBe(12);
      expect(s.meanGap).toBeGreaterThanOrEqual(0);
      expect(s.maxGap).toBeGreaterThanOrEqual(s.meanGap);
      expect(s.exactShare).toBeGreaterThanOrEqual(0);
      expect(s.exactShare).toBeLessThanOrEqual(1);
      expect(s.msMean).toBeGreaterThan(0);
    }
    expect(result.exact.msMean).toBeGreaterThan(0);
  });

  it('is seeded: the gaps repeat', () => {
    const again = measureQuality(generatedProblems(42, 12), 0);
    for (const h of HEURISTICS) expect(again.heuristics[h].meanGap).toBe(result.heuristics[h].meanGap);
  });
});
