import { describe, expect, it } from 'vitest';
import { runJob, runSequentially } from '@partita/sdk';
import monteCarlo from './index.js';
import { simulate } from './simulate.js';

const spec = { drifts: [0.02, 0.08], volatilities: [0, 0.2, 0.5], horizons: [5, 60], paths: 400, seed: 7 };

describe('monte-carlo-var', () => {
  it('gives one row per scenario of the grid, whatever the partitioning', async () => {
    const one = await runSequentially(monteCarlo, { ...spec, partitions: 1 });
    const many = await runJob(monteCarlo, { ...spec, partitions: 5 });
    expect(one).toHaveLength(2 * 3 * 2);
    expect(many.length).toBe(5);
    const key = (r: Record<string, unknown>) => [r['drift'], r['volatility'], r['horizon']].map(String).join('|');
    const byKey = new Map(one.map((r) => [key(r), r]));
    const rows = many.flatMap((p) => p.rows);
    expect(rows).toHaveLength(one.length);
    for (const row of rows) expect(row).toEqual(byKey.get(key(row)));
    // Progress counts scenarios, partition by partition.
    for (const p of many) expect(p.progress.at(-1)).toBe(p.rows.length);
  });

  it('without volatility every path ends at start · e^(drift · days / 252), and nothing is at risk', () => {
    const r = simulate({ scenario: { drift: 0.05, volatility: 0, horizon: 126 }, start: 100, paths: 100, seed: 1 });
    const expected = 100 * Math.exp(0.05 * 0.5);
    expect(r.mean).toBeCloseTo(expected, 9);
    expect(r.p05).toBeCloseTo(expected, 9);
    expect(r.var95).toBe(0);
    expect(r.prob_loss).toBe(0);
  });

  it('more volatility puts more at risk; the mean follows the drift (law of large numbers)', () => {
    const at = (volatility: number) =>
      simulate({ scenario: { drift: 0.05, volatility, horizon: 250 }, start: 100, paths: 20_000, seed: 3 });
    expect(at(0.4).var95).toBeGreaterThan(at(0.1).var95);
    // E[S_T] = S_0 · e^(μT); with 20,000 paths the sample mean is within a few standard errors.
    const { mean } = at(0.1);
    expect(Math.abs(mean - 100 * Math.exp(0.05 * (250 / 252)))).toBeLessThan(0.5);
  });

  it('refuses a spec outside its schema, naming the field', async () => {
    await expect(runJob(monteCarlo, { ...spec, volatilities: [] })).rejects.toThrow(/volatilities/);
  });
});
