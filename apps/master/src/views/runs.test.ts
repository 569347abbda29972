import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PipelineRunView, type JobStatus, type JobSummary } from '@partita/contracts';
import { toRunView, type RunFacts } from './runs.js';

const CREATED = new Date('2025-03-01T10:00:00.000Z');
/** `ms` after the run's creation. */
const after = (ms: number): Date => new Date(CREATED.getTime() + ms);
const iso = (ms: number): string => after(ms).toISOString();
const NOW = after(600_000);

const ENDED: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

interface JobFacts {
  finishedAt?: string | null;
  done?: number;
  total?: number;
  itemsDone?: number;
  itemsTotal?: number;
  sumPartitionMs?: number;
}

/** A job summary: ended jobs finished a minute after the run's creation unless told otherwise. */
function job(status: JobStatus, facts: JobFacts = {}): JobSummary {
  const total = facts.total ?? 4;
  const done = facts.done ?? (ENDED.includes(status) ? total : 0);
  const sumPartitionMs = facts.sumPartitionMs ?? 0;
  return {
    id: randomUUID(),
    kind: 'sql-extract',
    kindVersion: '1.0.0',
    status,
    createdAt: iso(1_000),
    finishedAt: facts.finishedAt !== undefined ? facts.finishedAt : ENDED.includes(status) ? iso(60_000) : null,
    progress: {
      done,
      total,
      succeeded: status === 'succeeded' ? done : 0,
      failed: status === 'failed' ? 1 : 0,
      running: status === 'running' ? total - done : 0,
      itemsDone: facts.itemsDone ?? 0,
      itemsTotal: facts.itemsTotal ?? 0,
      itemNoun: 'rows',
    },
    timings: {
      wallMs: 0,
      sumPartitionMs,
      speedup: 0,
      workers: 1,
      efficiency: 0,
      planMs: null,
      queueWaitMedianMs: null,
      runMedianMs: null,
      runMaxMs: null,
    },
    error: status === 'failed' ? { message: 'boom' } : null,
  };
}

/** A run of `nightly` with one entry per job (null: not submitted yet). */
function run(jobs: ReadonlyArray<JobSummary | null>, facts: Partial<RunFacts> = {}): RunFacts {
  return {
    id: randomUUID(),
    pipeline: 'nightly',
    category: null,
    trigger: 'manual',
    createdAt: CREATED,
    cancelledAt: null,
    entries: jobs.map((j, i) => ({ entry: `entry${i}`, dataset: `dataset${i}`, job: j })),
    workers: 0,
    ...facts,
  };
}

type EntryState = JobStatus | 'pending';
const jobsOf = (states: readonly EntryState[]) => states.map((s) => (s === 'pending' ? null : job(s)));

describe('toRunView', () => {
  describe('status', () => {
    it.each<[readonly EntryState[], string]>([
      [['pending'], 'queued'],
      [['pending', 'pending', 'pending'], 'queued'],
      [['pending', 'queued'], 'queued'],
      [['queued', 'queued'], 'queued'],
      [['running'], 'running'],
      [['running', 'pending'], 'running'],
      [['running', 'queued'], 'running'],
      [['succeeded', 'running'], 'running'],
      [['succeeded', 'pending'], 'running'],
      [['succeeded', 'queued'], 'running'],
      [['failed', 'pending'], 'running'],
      [['failed', 'queued'], 'running'],
      [['cancelled', 'running'], 'running'],
      [['succeeded'], 'succeeded'],
      [['succeeded', 'succeeded', 'succeeded'], 'succeeded'],
      [['succeeded', 'failed'], 'failed'],
      [['failed', 'cancelled', 'succeeded'], 'failed'],
      [['cancelled', 'failed'], 'failed'],
      [['cancelled', 'succeeded'], 'cancelled'],
      [['cancelled', 'cancelled'], 'cancelled'],
    ])('%j → %s', (states, status) => {
      expect(toRunView(run(jobsOf(states)), NOW).status).toBe(status);
    });

    it("counts a cancelled run's entries never submitted as cancelled", () => {
      const view = toRunView(run([job('succeeded'), null, null], { cancelledAt: after(30_000) }), NOW);
      expect(view.entries.map((e) => e.status)).toEqual(['succeeded', 'cancelled', 'cancelled']);
      expect(view.entries.map((e) => e.job)).toEqual([expect.anything(), null, null]);
      expect(view.status).toBe('cancelled');
      expect(view.progress.entries).toMatchObject({ total: 3, pending: 0, succeeded: 1, cancelled: 2 });
    });

    it('is cancelled when a run is cancelled before any entry was submitted', () => {
      const view = toRunView(run([null, null], { cancelledAt: after(5_000) }), NOW);
      expect(view.status).toBe('cancelled');
      expect(view.progress.entries).toMatchObject({ total: 2, pending: 0, cancelled: 2 });
    });

    it('is failed when a cancelled run has a failed job', () => {
      expect(toRunView(run([job('failed'), null], { cancelledAt: after(90_000) }), NOW).status).toBe('failed');
    });

    it("keeps running while a cancelled run's jobs have not ended", () => {
      const view = toRunView(run([job('running'), job('queued'), null], { cancelledAt: after(30_000) }), NOW);
      expect(view.status).toBe('running');
      expect(view.entries.map((e) => e.status)).toEqual(['running', 'queued', 'cancelled']);
      expect(view.finishedAt).toBeNull();
    });
  });

  describe('finishedAt', () => {
    it('is null while any entry is pending, queued or running', () => {
      for (const active of ['pending', 'queued', 'running'] as const) {
        expect(toRunView(run(jobsOf(['succeeded', active])), NOW).finishedAt, active).toBeNull();
      }
    });

    it("is the latest job's finishedAt once every job ended", () => {
      const jobs = [
        job('succeeded', { finishedAt: iso(120_000) }),
        job('failed', { finishedAt: iso(300_000) }),
        job('succeeded', { finishedAt: iso(200_000) }),
      ];
      expect(toRunView(run(jobs), NOW).finishedAt).toBe(iso(300_000));
    });

    it('is the cancel time when a cancelled run had entries never submitted and its jobs ended before', () => {
      const view = toRunView(run([job('succeeded', { finishedAt: iso(60_000) }), null], { cancelledAt: after(90_000) }), NOW);
      expect(view.finishedAt).toBe(iso(90_000));
    });

    it('is the cancel time when a run is cancelled before any entry was submitted', () => {
      expect(toRunView(run([null, null], { cancelledAt: after(5_000) }), NOW).finishedAt).toBe(iso(5_000));
    });

    it("is the latest job's end when the jobs end after the run was cancelled", () => {
      const jobs = [job('cancelled', { finishedAt: iso(95_000) }), job('succeeded', { finishedAt: iso(60_000) }), null];
      expect(toRunView(run(jobs, { cancelledAt: after(90_000) }), NOW).finishedAt).toBe(iso(95_000));
    });

    it("stays the last job's end when a run whose every job had ended is cancelled afterwards", () => {
      const jobs = [job('succeeded', { finishedAt: iso(60_000) }), job('succeeded', { finishedAt: iso(80_000) })];
      const view = toRunView(run(jobs, { cancelledAt: after(500_000) }), NOW);
      expect(view.status).toBe('succeeded');
      expect(view.finishedAt).toBe(iso(80_000));
      expect(view.timings.wallMs).toBe(80_000);
    });
  });

  describe('timings', () => {
    it('measures the wall time to now while the run is active', () => {
      const view = toRunView(run([job('succeeded', { finishedAt: iso(60_000) }), job('running')]), after(250_000));
      expect(view.timings.wallMs).toBe(250_000);
    });

    it('measures the wall time to the end once the run ended, whatever now is', () => {
      const jobs = [job('succeeded', { finishedAt: iso(40_000) }), job('succeeded', { finishedAt: iso(100_000) })];
      expect(toRunView(run(jobs), after(100_000)).timings.wallMs).toBe(100_000);
      expect(toRunView(run(jobs), after(9_000_000)).timings.wallMs).toBe(100_000);
    });

    it('sums the partition times of every job and divides them by the wall time', () => {
      const jobs = [
        job('succeeded', { finishedAt: iso(50_000), sumPartitionMs: 120_000 }),
        job('succeeded', { finishedAt: iso(100_000), sumPartitionMs: 280_000 }),
      ];
      const view = toRunView(run(jobs, { workers: 3 }), NOW);
      expect(view.timings).toEqual({ wallMs: 100_000, sumPartitionMs: 400_000, speedup: 4, workers: 3 });
    });

    it('reports a speedup of 0 for a run with no wall time yet', () => {
      const view = toRunView(run([job('running', { sumPartitionMs: 5_000 })]), CREATED);
      expect(view.timings).toMatchObject({ wallMs: 0, sumPartitionMs: 5_000, speedup: 0 });
    });
  });

  describe('progress', () => {
    it('sums the partitions and items of every submitted job', () => {
      const jobs = [
        job('succeeded', { done: 8, total: 8, itemsDone: 1_000, itemsTotal: 1_000 }),
        job('running', { done: 3, total: 10, itemsDone: 250, itemsTotal: 900 }),
        job('queued', { done: 0, total: 2, itemsDone: 0, itemsTotal: 40 }),
        null,
      ];
      expect(toRunView(run(jobs), NOW).progress).toMatchObject({
        partitionsDone: 11,
        partitionsTotal: 20,
        itemsDone: 1_250,
        itemsTotal: 1_940,
      });
    });

    it('counts the entries by status', () => {
      const view = toRunView(run(jobsOf(['pending', 'queued', 'running', 'running', 'succeeded', 'failed', 'cancelled', 'pending'])), NOW);
      expect(view.progress.entries).toEqual({ total: 8, pending: 2, queued: 1, running: 2, succeeded: 1, failed: 1, cancelled: 1 });
    });

    it('is all zeros before any job was submitted', () => {
      const view = toRunView(run([null, null]), NOW);
      expect(view.progress).toEqual({
        entries: { total: 2, pending: 2, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 },
        partitionsDone: 0,
        partitionsTotal: 0,
        itemsDone: 0,
        itemsTotal: 0,
      });
      expect(view.timings).toEqual({ wallMs: 600_000, sumPartitionMs: 0, speedup: 0, workers: 0 });
    });
  });

  it("carries the run's identity and each entry's job, and matches the PipelineRunView schema", () => {
    const first = job('succeeded');
    const facts = run([first, null], { category: 'finance', trigger: 'schedule' });
    const view = toRunView(facts, NOW);
    expect(PipelineRunView.parse(view)).toEqual(view);
    expect(view).toMatchObject({
      id: facts.id,
      pipeline: 'nightly',
      category: 'finance',
      trigger: 'schedule',
      createdAt: CREATED.toISOString(),
    });
    expect(view.entries).toEqual([
      { entry: 'entry0', dataset: 'dataset0', status: 'succeeded', job: first },
      { entry: 'entry1', dataset: 'dataset1', status: 'pending', job: null },
    ]);
  });
});
