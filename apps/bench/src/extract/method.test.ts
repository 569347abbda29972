import { describe, expect, it } from 'vitest';
import { extrapolateMs, schedule, summarise, type Measurement, type ServerCpu, type Step } from './method.js';

describe('schedule', () => {
  it('interleaves every variant in each round, size after size', () => {
    const steps = schedule({ sizes: [10, 50], rounds: 2, variants: ['copy-binary', 'partita-azurite'] });
    expect(steps.map((s) => `${s.rows}/${s.round}/${s.variant}`)).toEqual([
      '10/1/copy-binary',
      '10/1/partita-azurite',
      '10/2/copy-binary',
      '10/2/partita-azurite',
      '50/1/copy-binary',
      '50/1/partita-azurite',
      '50/2/copy-binary',
      '50/2/partita-azurite',
    ]);
  });

  it('runs a limited variant only in its first rounds and only up to its size', () => {
    const steps = schedule({
      sizes: [10, 50],
      rounds: 3,
      variants: ['copy-binary', 'partita', 'parquetjs-lite'],
      limits: [
        { variant: 'parquetjs-lite', maxRows: 10, rounds: 1 },
        { variant: 'partita', maxRows: 10 },
      ],
    });
    expect(steps.filter((s) => s.variant === 'parquetjs-lite')).toEqual([{ rows: 10, round: 1, variant: 'parquetjs-lite' }]);
    expect(steps.filter((s) => s.variant === 'partita').map((s) => `${s.rows}/${s.round}`)).toEqual(['10/1', '10/2', '10/3']);
    expect(steps.filter((s) => s.variant === 'copy-binary')).toHaveLength(6);
  });

  it('refuses a round count that is not a positive integer', () => {
    expect(() => schedule({ sizes: [10], rounds: 0, variants: ['partita'] })).toThrow(RangeError);
    expect(() => schedule({ sizes: [10], rounds: 1.5, variants: ['partita'] })).toThrow(RangeError);
  });
});

describe('summarise', () => {
  const m = (step: Step, ms: number, peakRssMb = 100, bytes = 2 ** 20): Step & Measurement & ServerCpu => ({
    ...step,
    ms,
    bytes,
    baseRssMb: 50,
    peakRssMb,
    cpuMs: ms / 2,
    backendCpuMs: ms / 4,
    azuriteCpuMs: ms / 10,
  });

  it('reports medians, rates per second, the ratio to the read limit and the highest peak RSS', () => {
    const rows = 1_000_000;
    const results = [
      m({ rows, round: 1, variant: 'copy-binary' }, 1000),
      m({ rows, round: 1, variant: 'partita-azurite' }, 2500, 120, 3 * 2 ** 20),
      m({ rows, round: 2, variant: 'copy-binary' }, 3000),
      m({ rows, round: 2, variant: 'partita-azurite' }, 2000, 180, 3 * 2 ** 20),
      m({ rows, round: 3, variant: 'copy-binary' }, 2000),
      m({ rows, round: 3, variant: 'partita-azurite' }, 9000, 150, 3 * 2 ** 20),
    ];
    const [limit, partita] = summarise(results, new Map([[rows, 400 * 2 ** 20]]));
    expect(limit).toMatchObject({ variant: 'copy-binary', runs: 3, medianMs: 2000, vsLimit: 1 });
    expect(partita!.cpuMs).toEqual({ reader: 1250, postgresql: 625, azurite: 250 });
    expect(partita).toMatchObject({ variant: 'partita-azurite', runs: 3, medianMs: 2500, peakRssMb: 180, outputMb: 3 });
    expect(partita!.rowsPerS).toBeCloseTo(400_000);
    expect(partita!.sourceMbPerS).toBeCloseTo(160);
    expect(partita!.vsLimit).toBeCloseTo(1.25);
  });

  it('compares each size with the read limit of that size only', () => {
    const results = [
      m({ rows: 10, round: 1, variant: 'copy-binary' }, 100),
      m({ rows: 10, round: 1, variant: 'partita' }, 300),
      m({ rows: 50, round: 1, variant: 'partita' }, 300),
    ];
    const sizes = new Map([
      [10, 1000],
      [50, 5000],
    ]);
    const [, small, large] = summarise(results, sizes);
    expect(small).toMatchObject({ rows: 10, vsLimit: 3 });
    expect(large).toMatchObject({ rows: 50, vsLimit: null });
  });

  it('needs the source size of every size measured', () => {
    expect(() => summarise([m({ rows: 10, round: 1, variant: 'partita' }, 1)], new Map())).toThrow(/no source size/);
  });
});

describe('extrapolateMs', () => {
  it('keeps the rows per second', () => {
    expect(extrapolateMs(2000, 2_000_000, 10_000_000)).toBe(10_000);
    expect(() => extrapolateMs(1, 0, 10)).toThrow(RangeError);
  });
});
