import { describe, expect, it } from 'vitest';
import type { JobView, PartitionView } from '@partita/contracts';
import { jobTiming } from './job-timing.js';

const part = (index: number, workerId: string, start: string, end: string, runMs: number, rows: number) =>
  ({ index, workerId, startedAt: start, finishedAt: end, runMs, rows }) as PartitionView;
const job = (partitions: PartitionView[]) => ({ id: 'j', timings: { wallMs: 2500 }, partitions }) as unknown as JobView;

describe('jobTiming', () => {
  it('spans from the first partition’s start to the last one’s end, and counts workers and rows', () => {
    const t = jobTiming(
      job([
        part(0, 'worker-1', '2025-01-01T00:00:01.000Z', '2025-01-01T00:00:02.000Z', 1000, 10),
        part(1, 'worker-2', '2025-01-01T00:00:01.200Z', '2025-01-01T00:00:03.500Z', 2300, 5),
        part(2, 'worker-1', '2025-01-01T00:00:02.000Z', '2025-01-01T00:00:02.400Z', 400, 7),
      ]),
    );
    expect(t).toEqual({
      wallMs: 2500,
      spanMs: 2500,
      partitions: 3,
      workers: 2,
      runMedianMs: 1000,
      runMaxMs: 2300,
      runTotalMs: 3700,
      rows: 22,
    });
  });

  it('refuses a job with a partition that did not run to its end', () => {
    expect(() => jobTiming(job([part(0, 'w', '2025-01-01T00:00:01.000Z', null as unknown as string, 1, 1)]))).toThrow(/not run/);
    expect(() => jobTiming(job([]))).toThrow(/no partitions/);
  });
});
