import type { EntryView, JobSummary, PipelineRunView, PipelineView, RunEntryView } from '@partita/contracts';
import { jobView } from './job.fixture.js';

export const RUN_ID = '7c1d2e3f-aaaa-4bbb-8ccc-ddddeeeeffff';
export const JOB_A = '0a0a0a0a-1111-4222-8333-444455556666';
export const JOB_B = '0b0b0b0b-1111-4222-8333-444455556666';

/** An entry view for tests: a table source, no own settings, 8 chunks by default; every field can be overridden. */
export function entryView(overrides: Partial<EntryView> = {}): EntryView {
  const name = overrides.name ?? 'orders';
  return {
    name,
    category: null,
    enabled: true,
    source: { table: `public.${name}` },
    sink: {},
    settings: {},
    effective: {
      settings: { chunks: { value: { count: 8 }, from: 'default' }, container: { value: 'results', from: 'default' } },
      spec: {
        kind: 'sql-extract',
        source: { table: `public.${name}` },
        chunks: { count: 8 },
        output: { container: 'results', prefix: 'shop' },
        dataset: { name, description: '', tags: {} },
      },
    },
    ...overrides,
  };
}

/** A pipeline view for tests: `shop`, scheduled nightly, with a table entry and a disabled query entry. */
export function pipelineView(overrides: Partial<PipelineView> = {}): PipelineView {
  return {
    name: 'shop',
    description: 'Nightly copy of the shop',
    settings: { chunks: { rowsPerChunk: 1_000_000 }, container: 'lake' },
    schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris', category: null, nextRunAt: '2024-05-02T00:00:00.000Z' },
    maxConcurrentEntries: null,
    entries: [
      entryView({
        effective: {
          settings: { chunks: { value: { rowsPerChunk: 1_000_000 }, from: 'pipeline' } },
          spec: { output: { container: 'lake', prefix: 'shop' }, dataset: { name: 'shop-orders' } },
        },
      }),
      entryView({
        name: 'totals',
        category: 'daily',
        enabled: false,
        source: { query: 'select 1 as id', key: 'id' },
        effective: {
          settings: { chunks: { value: { count: 4 }, from: 'entry' } },
          spec: { output: { container: 'lake', prefix: 'reports' }, dataset: { name: 'totals' } },
        },
      }),
    ],
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T11:00:00.000Z',
    ...overrides,
  };
}

/** A job summary as a run entry holds it. */
export function runJob(overrides: Partial<JobSummary> = {}): JobSummary {
  const { id, kind, kindVersion, status, createdAt, finishedAt, progress, timings, error } = jobView({ kind: 'sql-extract', ...overrides });
  return { id, kind, kindVersion, status, createdAt, finishedAt, progress, timings, error };
}

/** A run entry for tests. */
export function runEntry(overrides: Partial<RunEntryView> = {}): RunEntryView {
  return { entry: 'orders', dataset: 'shop-orders', status: 'pending', job: null, ...overrides };
}

/** A run view for tests: a running manual run of two entries unless overridden. */
export function runView(overrides: Partial<PipelineRunView> = {}): PipelineRunView {
  return {
    id: RUN_ID,
    pipeline: 'shop',
    category: null,
    trigger: 'manual',
    status: 'running',
    createdAt: '2024-05-01T10:00:00.000Z',
    finishedAt: null,
    progress: {
      entries: { total: 2, pending: 1, queued: 0, running: 1, succeeded: 0, failed: 0, cancelled: 0 },
      partitionsDone: 3,
      partitionsTotal: 8,
      itemsDone: 1200,
      itemsTotal: 5000,
    },
    timings: { wallMs: 2500, sumPartitionMs: 4000, speedup: 1.6, workers: 2 },
    entries: [runEntry({ status: 'running', job: runJob({ id: JOB_A }) }), runEntry({ entry: 'totals', dataset: 'totals' })],
    ...overrides,
  };
}

/** The run ended: both entries' jobs ended, the second as `second` says (succeeded unless failed is asked for). */
export function endedRun(second: 'succeeded' | 'failed'): PipelineRunView {
  const failed = second === 'failed';
  return runView({
    status: second,
    finishedAt: '2024-05-01T10:00:12.000Z',
    progress: {
      entries: { total: 2, pending: 0, queued: 0, running: 0, succeeded: failed ? 1 : 2, failed: failed ? 1 : 0, cancelled: 0 },
      partitionsDone: 8,
      partitionsTotal: 8,
      itemsDone: 5000,
      itemsTotal: 5000,
    },
    timings: { wallMs: 12_000, sumPartitionMs: 36_000, speedup: 3, workers: 4 },
    entries: [
      runEntry({ status: 'succeeded', job: runJob({ id: JOB_A, status: 'succeeded' }) }),
      runEntry({
        entry: 'totals',
        dataset: 'totals',
        status: second,
        job: runJob({ id: JOB_B, status: second, error: failed ? { message: 'relation "x" does not exist' } : null }),
      }),
    ],
  });
}
