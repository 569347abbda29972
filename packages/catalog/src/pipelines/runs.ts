import type pg from 'pg';
import type { RunTrigger } from '@partita/contracts';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { CountedJobRow, RunRecord, RunRow } from '../records.js';
import { transaction } from '../transaction.js';
import * as sql from './runs-sql.js';

export interface NewRun {
  id: string;
  pipeline: string;
  category: string | null;
  trigger: RunTrigger;
  /** A scheduled firing's id: a second delivery of the same firing finds the run it made. */
  triggerKey?: string | undefined;
  /** Each entry's job spec, fixed when the run starts. */
  entries: ReadonlyArray<{ entry: string; spec: { dataset: { name: string } } }>;
  /** At most this many entries' jobs open at once; null: all at once. Fixed when the run starts. */
  maxConcurrentEntries: number | null;
}

export interface RunPage {
  runs: RunRecord[];
  /** The opaque cursor of the next page; null on the last. */
  nextCursor: string | null;
}

/** Pipeline runs: each entry's spec fixed when the run starts, then linked to the job it was submitted as. */
export class RunStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Records a run and its entries, not yet submitted; with a trigger key already used, returns that run instead. */
  async create(run: NewRun): Promise<{ id: string; created: boolean }> {
    return transaction(this.pool, async (client) => {
      const inserted = await client.query<{ id: string }>(sql.INSERT_RUN, [
        run.id,
        run.pipeline,
        run.category,
        run.trigger,
        run.triggerKey ?? null,
        run.maxConcurrentEntries,
      ]);
      if (inserted.rowCount === 0) {
        const existing = await client.query<{ id: string }>(sql.RUN_OF_TRIGGER, [run.triggerKey]);
        return { id: existing.rows[0]!.id, created: false };
      }
      await client.query(sql.INSERT_RUN_ENTRIES, [
        run.id,
        run.entries.map((e) => e.entry),
        run.entries.map((_, i) => i),
        run.entries.map((e) => JSON.stringify(e.spec)),
      ]);
      return { id: run.id, created: true };
    });
  }

  /**
   * A run's entries not yet submitted, in order, with their specs (none once the run is cancelled); its cap on entries
   * at once, and the jobs of its submitted entries that have not ended.
   */
  async pendingEntries(runId: string): Promise<{ cap: number | null; open: string[]; pending: Array<{ entry: string; spec: unknown }> }> {
    const run = await this.pool.query<{ cap: number | null; open: string[] }>(sql.CAP_AND_OPEN_JOBS, [runId]);
    const { rows } = await this.pool.query<{ entry: string; spec: unknown }>(sql.PENDING_ENTRIES, [runId]);
    return { cap: run.rows[0]?.cap ?? null, open: run.rows[0]?.open ?? [], pending: rows };
  }

  /** The master expanding a run is alive: no other takes it over (see withPendingEntries). */
  async touch(runId: string): Promise<void> {
    await this.pool.query(sql.TOUCH_RUN, [runId]);
  }

  /** Links an entry to the job it was submitted as; returns whether the run has been cancelled meanwhile. */
  async linkJob(runId: string, entry: string, jobId: string): Promise<{ cancelled: boolean }> {
    const { rows } = await this.pool.query<{ cancelled: boolean }>(sql.LINK_JOB, [runId, entry, jobId]);
    return { cancelled: rows[0]?.cancelled ?? true };
  }

  /** Runs with entries never submitted whose master has not touched them for `olderThanMs` (it stopped while expanding). */
  async withPendingEntries(olderThanMs: number): Promise<string[]> {
    return (await this.pool.query<{ id: string }>(sql.RUNS_WITH_PENDING_ENTRIES, [olderThanMs])).rows.map((r) => r.id);
  }

  /** Whether a run of the pipeline has not ended: an entry not yet submitted, or a job not yet ended. */
  async hasOpen(pipeline: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ open: boolean }>(sql.HAS_OPEN_RUN, [pipeline]);
    return rows[0]?.open ?? false;
  }

  /**
   * Marks a run cancelled (entries not yet submitted never will be) and returns its jobs that have not ended, for the
   * caller to cancel. Null when the pipeline has no such run.
   */
  async cancel(pipeline: string, runId: string): Promise<{ openJobs: string[] } | null> {
    const run = await this.pool.query(sql.CANCEL_RUN, [runId, pipeline]);
    if (run.rowCount === 0) return null;
    const { rows } = await this.pool.query<{ job_id: string }>(sql.OPEN_JOBS_OF_RUN, [runId]);
    return { openJobs: rows.map((r) => r.job_id) };
  }

  /** A run with its entries' jobs; null when the pipeline has no such run. */
  async get(pipeline: string, runId: string): Promise<RunRecord | null> {
    const { rows } = await this.pool.query<RunRow>(sql.RUN, [runId, pipeline]);
    const row = rows[0];
    return row ? ((await this.withEntries([row]))[0] ?? null) : null;
  }

  /** A pipeline's runs, newest first; `cursor` is a previous page's `nextCursor`. */
  async list(pipeline: string, options: { limit: number; cursor?: string | undefined }): Promise<RunPage> {
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    const { rows } = await this.pool.query<RunRow>(sql.LIST_RUNS, [
      pipeline,
      after?.createdAt ?? null,
      after?.id ?? null,
      options.limit + 1,
    ]);
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      runs: await this.withEntries(page),
      nextCursor: rows.length > options.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  /** The given runs, each entry with its job (and the job's partition counts), and the distinct workers of each run. */
  private async withEntries(runs: readonly RunRow[]): Promise<RunRecord[]> {
    const ids = runs.map((r) => r.id);
    const entries = await this.pool.query<CountedJobRow & { entry: string; entry_run: string; dataset_name: string }>(
      sql.ENTRIES_WITH_JOBS,
      [ids],
    );
    const workers = await this.pool.query<{ run_id: string; workers: number }>(sql.WORKERS_OF_RUNS, [ids]);
    const workersOf = new Map(workers.rows.map((r) => [r.run_id, r.workers]));
    return runs.map((run) => ({
      run,
      workers: workersOf.get(run.id) ?? 0,
      entries: entries.rows
        .filter((e) => e.entry_run === run.id)
        .map(({ entry, entry_run: _run, dataset_name, ...job }) => ({ entry, dataset: dataset_name, job: job.id === null ? null : job })),
    }));
  }
}
