import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DATABASE_URL } from '../support/env.js';
import { readAttempts } from '../support/results.js';
import { useStack } from '../support/stack.js';
import { expectSameOutput, extractKey } from './expect-output.js';
import { useSourceTable } from './source-table.js';
import { extractSpec } from './specs.js';
import { until, waitForJobWithLiveWorkers } from './watch.js';

/** Two chunks of 100,000 rows: each streams for a few seconds, long enough to be caught mid-COPY. */
const ROWS = 200_000;

describe("an extract's PostgreSQL connection terminated mid-chunk", () => {
  // The source first: its table is dropped after the stack (and the snapshot its master holds) is gone.
  const source = useSourceTable(ROWS);
  const ctx = useStack({ workers: 2 });

  it('retries the chunk from its start on a live worker: the output is the source table exactly once', { timeout: 90_000 }, async () => {
    const { stack } = ctx;
    // Several files per chunk: the terminated attempt may have committed some of its files when it dies.
    const spec = (name: string) =>
      extractSpec(stack.container, 'fault-pg', source.table, `${name}-${source.schema}`, 2, { retry: { attempts: 3, backoffMs: 200 } });
    const clean = await stack.waitForJob(await stack.submit(spec('clean')));

    const id = await stack.submit(spec('faulted'));
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      // Both chunks have streamed rows into their Parquet files; one of their COPY backends is terminated.
      const pid = await until('both chunks streaming rows', async () => {
        const job = await stack.getJob(id);
        if (!job.partitions.every((p) => p.status === 'running' && p.itemsDone > 0)) return undefined;
        const { rows } = await admin.query<{ pid: number }>(
          `select pid from pg_stat_activity
            where application_name = 'partita-worker-source' and state = 'active' and query ilike 'copy%' and query like $1`,
          [`%"${source.schema}"%`],
        );
        return rows[0]?.pid;
      });
      const { rows } = await admin.query<{ done: boolean }>('select pg_terminate_backend($1) as done', [pid]);
      expect(rows[0]?.done).toBe(true);
    } finally {
      await admin.end();
    }
    // A transient error of the chunk, not of its worker: the worker lives on.
    const job = await waitForJobWithLiveWorkers(stack, id);
    const result = await expectSameOutput(stack, job, clean, extractKey('id'), { exact: true });
    const ids = result.rows.map((r) => Number(r['id'])).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    // Retried in the job's snapshot, which the master still holds.
    expect(job.extract?.completeness).toEqual({ sourceRows: ROWS, rowsWritten: ROWS, complete: true });
    expect(job.extract?.snapshot).toMatchObject({ mode: 'exported', ownSnapshotChunks: [] });

    // The chunk ran once more, from its start; its first attempt is a failure that was retried.
    expect(job.partitions.map((p) => p.attempts).sort()).toEqual([1, 2]);
    const victim = job.partitions.find((p) => p.attempts === 2)!;
    expect(victim.rows).toBe(clean.partitions[victim.index]!.rows);
    const attempts = (await readAttempts(stack, id)).filter((a) => a.index === victim.index);
    expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
  });
});
