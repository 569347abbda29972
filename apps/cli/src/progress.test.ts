import { describe, expect, it } from 'vitest';
import { jobView } from './job.fixture.js';
import {
  ProgressTracker,
  addSample,
  averageRate,
  doneFraction,
  etaMs,
  initialSamples,
  progressBar,
  progressLine,
  ratePerSecond,
  type RateSample,
} from './progress.js';

const feed = (samples: RateSample[], windowMs = 10_000) => samples.reduce((acc, s) => addSample(acc, s, windowMs), initialSamples());

describe('rate samples', () => {
  it('starts from nothing done at submit, so the first rate is the average since submit', () => {
    const samples = feed([{ wallMs: 2000, itemsDone: 100 }]);
    expect(samples).toEqual([
      { wallMs: 0, itemsDone: 0 },
      { wallMs: 2000, itemsDone: 100 },
    ]);
    expect(ratePerSecond(samples)).toBe(50);
  });

  it('measures over a sliding window, keeping one sample at or before its start', () => {
    const samples = feed(
      [
        { wallMs: 1000, itemsDone: 10 },
        { wallMs: 5000, itemsDone: 50 },
        { wallMs: 12_000, itemsDone: 120 },
        { wallMs: 16_000, itemsDone: 320 },
      ],
      10_000,
    );
    // The window is (6000, 16000]: 5000 is the last sample at or before its start.
    expect(samples.map((s) => s.wallMs)).toEqual([5000, 12_000, 16_000]);
    expect(ratePerSecond(samples)).toBeCloseTo(((320 - 50) / 11_000) * 1000, 9);
  });

  it('ignores a sample that is not later than the last, and restarts when items go down (a retry)', () => {
    let samples = feed([{ wallMs: 1000, itemsDone: 40 }]);
    samples = addSample(samples, { wallMs: 1000, itemsDone: 45 });
    expect(samples).toHaveLength(2);
    samples = addSample(samples, { wallMs: 1500, itemsDone: 30 });
    expect(samples).toEqual([{ wallMs: 1500, itemsDone: 30 }]);
    expect(ratePerSecond(samples)).toBeNull();
  });

  it('has no rate below the minimum span', () => {
    expect(ratePerSecond(feed([{ wallMs: 300, itemsDone: 3 }]))).toBeNull();
    expect(ratePerSecond(feed([{ wallMs: 500, itemsDone: 3 }]))).toBe(6);
    expect(ratePerSecond([])).toBeNull();
  });
});

describe('ETA', () => {
  it('is what is left at the current rate', () => {
    expect(etaMs(120, 300, 45)).toBe(4000);
    expect(etaMs(300, 300, 45)).toBe(0);
    expect(etaMs(0, 300, 0)).toBeNull();
    expect(etaMs(0, 300, null)).toBeNull();
  });

  it('follows a job through its tracker', () => {
    const tracker = new ProgressTracker();
    const at = (wallMs: number, itemsDone: number) =>
      tracker.observe(
        jobView({ timings: { ...jobView().timings, wallMs }, progress: { ...jobView().progress, itemsDone, itemsTotal: 300 } }),
      );
    expect(at(200, 0)).toEqual({ rate: null, etaMs: null });
    expect(at(2000, 100)).toEqual({ rate: 50, etaMs: 4000 });
    // A faster stretch raises the rate (still measured from submit inside the window).
    expect(at(4000, 300)).toEqual({ rate: 75, etaMs: 0 });
  });
});

describe('progress line', () => {
  it("names items as the job's kind does", () => {
    const job = jobView({ progress: { ...jobView().progress, itemNoun: 'simulations' } });
    expect(progressLine(job, { rate: 45.2, etaMs: 3900, barWidth: 10 })).toContain('120/300 simulations  45.2 simulations/s');
  });

  it('draws a bar of the done fraction', () => {
    expect(progressBar(0, 10)).toBe('[..........]');
    expect(progressBar(0.45, 10)).toBe('[####......]');
    expect(progressBar(1, 10)).toBe('[##########]');
    expect(progressBar(7, 4)).toBe('[####]');
    expect(progressBar(Number.NaN, 4)).toBe('[....]');
  });

  it('measures the done fraction by items, by partitions without items, and as whole once succeeded', () => {
    expect(doneFraction(jobView())).toBe(0.4);
    expect(doneFraction(jobView({ progress: { ...jobView().progress, itemsTotal: 0, itemsDone: 0 } }))).toBe(3 / 8);
    expect(doneFraction(jobView({ status: 'succeeded', progress: { ...jobView().progress, itemsTotal: 0, itemsDone: 0, total: 0 } }))).toBe(
      1,
    );
  });

  it('shows partitions, items, rate, ETA, elapsed and status', () => {
    expect(progressLine(jobView(), { rate: 45.2, etaMs: 3900, barWidth: 10 })).toBe(
      '5e4a18a3 [####......]  40%  3/8 partitions  120/300 groups  45.2 groups/s  ETA 3.9s  elapsed 2.5s  running',
    );
  });

  it('says rows for extracts, counts failures and shows the average rate once ended', () => {
    const job = jobView({
      kind: 'sql-extract',
      status: 'failed',
      progress: { done: 8, total: 8, succeeded: 7, failed: 1, running: 0, itemsDone: 90_000, itemsTotal: 100_000, itemNoun: 'rows' },
      timings: { ...jobView().timings, wallMs: 3000 },
    });
    expect(averageRate(job)).toBe(30_000);
    expect(progressLine(job, { rate: null, etaMs: null, barWidth: 10 })).toBe(
      '5e4a18a3 [#########.]  90%  8/8 partitions  90,000/100,000 rows  30,000 rows/s  ETA -  elapsed 3.0s  failed  1 failed',
    );
  });

  it('shows unknown rate and ETA as dashes', () => {
    const job = jobView({ status: 'queued', progress: { ...jobView().progress, done: 0, itemsDone: 0 } });
    expect(progressLine(job, { rate: null, etaMs: null, barWidth: 4 })).toBe(
      '5e4a18a3 [....]   0%  0/8 partitions  0/300 groups  - groups/s  ETA -  elapsed 2.5s  queued',
    );
  });
});
