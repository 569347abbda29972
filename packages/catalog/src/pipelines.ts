import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import type {
  ApplyOutcome,
  EntrySettings,
  PipelineDefinition,
  PipelineEntry,
  PipelineRunList,
  PipelineRunView,
  PipelineSettings,
  RunTrigger,
  Schedule,
  Sink,
} from '@partita/contracts';
import { decodeCursor, encodeCursor } from './cursor.js';
import { JOB_COUNTS } from './job-counts.js';
import { toJobSummary, type JobCounts, type JobRow } from './rows.js';
import { toRunView } from './run-view.js';
import { transaction } from './transaction.js';

/** A pipeline as stored: its definition (validated before it was written) and when it was made and last changed. */
export interface StoredPipeline extends PipelineDefinition {
  createdAt: Date;
  updatedAt: Date;
}

export interface PipelineSummaryRow {
  name: string;
  description: string;
  schedule: Schedule | null;
  entries: number;
  enabledEntries: number;
  updatedAt: Date;
}

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

/**
 * The pipelines' tables: definitions (entries, key–value settings, schedule) and runs. A definition is written
 * whole, in one transaction, so that a reader never sees half of a change.
 */
export class PipelineStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<PipelineSummaryRow[]> {
    const { rows } = await this.pool.query<{
      name: string;
      description: string;
      schedule: Schedule | null;
      updated_at: Date;
      entries: number;
      enabled: number;
    }>(
      `select p.name, p.description, p.schedule, p.updated_at,
              (select count(*) from pipeline_entries e where e.pipeline = p.name)::int as entries,
              (select count(*) from pipeline_entries e where e.pipeline = p.name and e.enabled)::int as enabled
         from pipelines p order by p.name`,
    );
    return rows.map((r) => ({
      name: r.name,
      description: r.description,
      schedule: r.schedule,
      entries: r.entries,
      enabledEntries: r.enabled,
      updatedAt: r.updated_at,
    }));
  }

  async get(name: string): Promise<StoredPipeline | null> {
    return read(this.pool, name);
  }

  /** Creates a pipeline; false when one of that name exists (nothing is changed). */
  async create(definition: PipelineDefinition): Promise<boolean> {
    return transaction(this.pool, async (client) => {
      const inserted = await client.query(
        `insert into pipelines (name, description, schedule) values ($1, '', null) on conflict (name) do nothing`,
        [definition.name],
      );
      if (inserted.rowCount === 0) return false;
      await write(client, definition);
      return true;
    });
  }

  /** Creates or replaces each pipeline, all in one transaction: all of them are applied, or none. */
  async apply(definitions: readonly PipelineDefinition[]): Promise<Array<{ name: string; outcome: ApplyOutcome }>> {
    return transaction(this.pool, async (client) => {
      const outcomes: Array<{ name: string; outcome: ApplyOutcome }> = [];
      for (const definition of definitions) outcomes.push({ name: definition.name, outcome: await put(client, definition) });
      return outcomes;
    });
  }

  /**
   * Changes a pipeline under a row lock: `change` gets the current definition and returns the new one (it may throw
   * to refuse the change). Null when the pipeline does not exist.
   */
  async update(
    name: string,
    change: (current: PipelineDefinition) => PipelineDefinition,
  ): Promise<{ before: StoredPipeline; outcome: ApplyOutcome } | null> {
    return transaction(this.pool, async (client) => {
      const locked = await client.query('select 1 from pipelines where name = $1 for update', [name]);
      if (locked.rowCount === 0) return null;
      const before = (await read(client, name))!;
      return { before, outcome: await put(client, change(definitionOf(before)), before) };
    });
  }

  /** Deletes a pipeline with its entries, settings and runs (their jobs and datasets stay); false when unknown. */
  async delete(name: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('delete from pipelines where name = $1', [name]);
    return (rowCount ?? 0) > 0;
  }

  /** Every pipeline's schedule, by name: what the job schedulers must mirror. */
  async schedules(): Promise<Map<string, Schedule>> {
    const { rows } = await this.pool.query<{ name: string; schedule: Schedule }>(
      'select name, schedule from pipelines where schedule is not null',
    );
    return new Map(rows.map((r) => [r.name, r.schedule]));
  }

  /** Records a run and its entries, not yet submitted; with a trigger key already used, returns that run instead. */
  async createRun(run: NewRun): Promise<{ id: string; created: boolean }> {
    return transaction(this.pool, async (client) => {
      const inserted = await client.query<{ id: string }>(
        `insert into pipeline_runs (id, pipeline, category, trigger, trigger_key, max_concurrent_entries, expanded_at)
         values ($1, $2, $3, $4, $5, $6, clock_timestamp())
         on conflict (trigger_key) do nothing returning id`,
        [run.id, run.pipeline, run.category, run.trigger, run.triggerKey ?? null, run.maxConcurrentEntries],
      );
      if (inserted.rowCount === 0) {
        const existing = await client.query<{ id: string }>('select id from pipeline_runs where trigger_key = $1', [run.triggerKey]);
        return { id: existing.rows[0]!.id, created: false };
      }
      await client.query(
        `insert into pipeline_run_entries (run_id, entry, position, spec)
         select $1, entry, position, spec from unnest($2::text[], $3::int[], $4::jsonb[]) as e(entry, position, spec)`,
        [run.id, run.entries.map((e) => e.entry), run.entries.map((_, i) => i), run.entries.map((e) => JSON.stringify(e.spec))],
      );
      return { id: run.id, created: true };
    });
  }

  /**
   * A run's entries not yet submitted, in order, with their specs (none once the run is cancelled); its cap on entries
   * at once, and the jobs of its submitted entries that have not ended.
   */
  async pendingEntries(runId: string): Promise<{ cap: number | null; open: string[]; pending: Array<{ entry: string; spec: unknown }> }> {
    const run = await this.pool.query<{ cap: number | null; open: string[] }>(
      `select r.max_concurrent_entries as cap,
              array(select e.job_id::text from pipeline_run_entries e join jobs j on j.id = e.job_id
                     where e.run_id = r.id and j.status in ('queued', 'running') order by e.position) as open
         from pipeline_runs r where r.id = $1`,
      [runId],
    );
    const { rows } = await this.pool.query<{ entry: string; spec: unknown }>(
      `select e.entry, e.spec from pipeline_run_entries e join pipeline_runs r on r.id = e.run_id
        where e.run_id = $1 and e.job_id is null and r.cancelled_at is null order by e.position`,
      [runId],
    );
    return { cap: run.rows[0]?.cap ?? null, open: run.rows[0]?.open ?? [], pending: rows };
  }

  /** The master expanding a run is alive: no other takes it over (see runsWithPendingEntries). */
  async touchRun(runId: string): Promise<void> {
    await this.pool.query('update pipeline_runs set expanded_at = clock_timestamp() where id = $1', [runId]);
  }

  /** Links an entry to the job it was submitted as; returns whether the run has been cancelled meanwhile. */
  async linkJob(runId: string, entry: string, jobId: string): Promise<{ cancelled: boolean }> {
    const { rows } = await this.pool.query<{ cancelled: boolean }>(
      `update pipeline_run_entries e set job_id = $3 from pipeline_runs r
        where e.run_id = $1 and e.entry = $2 and r.id = e.run_id
        returning r.cancelled_at is not null as cancelled`,
      [runId, entry, jobId],
    );
    return { cancelled: rows[0]?.cancelled ?? true };
  }

  /** Runs with entries never submitted whose master has not touched them for `olderThanMs` (it stopped while expanding). */
  async runsWithPendingEntries(olderThanMs: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `select r.id from pipeline_runs r
        where r.cancelled_at is null
          and coalesce(r.expanded_at, r.created_at) < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
          and exists (select 1 from pipeline_run_entries e where e.run_id = r.id and e.job_id is null)
        order by r.created_at`,
      [olderThanMs],
    );
    return rows.map((r) => r.id);
  }

  /** Whether a run of the pipeline has not ended: an entry not yet submitted, or a job not yet ended. */
  async hasOpenRun(pipeline: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ open: boolean }>(
      `select exists (
         select 1 from pipeline_runs r join pipeline_run_entries e on e.run_id = r.id left join jobs j on j.id = e.job_id
          where r.pipeline = $1 and r.cancelled_at is null
            and (e.job_id is null or j.status in ('queued', 'running'))) as open`,
      [pipeline],
    );
    return rows[0]?.open ?? false;
  }

  /**
   * Marks a run cancelled (entries not yet submitted never will be) and returns its jobs that have not ended, for the
   * caller to cancel. Null when the pipeline has no such run.
   */
  async cancelRun(pipeline: string, runId: string): Promise<{ openJobs: string[] } | null> {
    const run = await this.pool.query(
      `update pipeline_runs set cancelled_at = coalesce(cancelled_at, clock_timestamp()) where id = $1 and pipeline = $2`,
      [runId, pipeline],
    );
    if (run.rowCount === 0) return null;
    const { rows } = await this.pool.query<{ job_id: string }>(
      `select e.job_id from pipeline_run_entries e join jobs j on j.id = e.job_id
        where e.run_id = $1 and j.status in ('queued', 'running') order by e.position`,
      [runId],
    );
    return { openJobs: rows.map((r) => r.job_id) };
  }

  async getRun(pipeline: string, runId: string, now?: Date): Promise<PipelineRunView | null> {
    const { rows } = await this.pool.query<RunRow>('select * from pipeline_runs where id = $1 and pipeline = $2', [runId, pipeline]);
    const row = rows[0];
    return row ? ((await this.views([row], now))[0] ?? null) : null;
  }

  /** A pipeline's runs, newest first; `cursor` is a previous page's `nextCursor`. */
  async listRuns(pipeline: string, options: { limit: number; cursor?: string | undefined }): Promise<PipelineRunList> {
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    const { rows } = await this.pool.query<RunRow>(
      `select * from pipeline_runs
        where pipeline = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
        order by created_at desc, id desc limit $4`,
      [pipeline, after?.createdAt ?? null, after?.id ?? null, options.limit + 1],
    );
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: (await this.views(page)).map(({ entries: _entries, ...run }) => run),
      nextCursor: rows.length > options.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  /** Run views of the given runs, each entry with its job's summary. */
  private async views(runs: readonly RunRow[], now: Date = new Date()): Promise<PipelineRunView[]> {
    const ids = runs.map((r) => r.id);
    const entries = await this.pool.query<JobRow & JobCounts & { entry: string; entry_run: string; dataset_name: string }>(
      `select e.entry, e.run_id as entry_run, e.spec->'dataset'->>'name' as dataset_name, j.*, c.*
         from pipeline_run_entries e
         left join jobs j on j.id = e.job_id
         left join lateral (${JOB_COUNTS}) c on true
        where e.run_id = any($1::uuid[])
        order by e.run_id, e.position`,
      [ids],
    );
    const workers = await this.pool.query<{ run_id: string; workers: number }>(
      `select e.run_id, count(distinct p.worker_id)::int as workers
         from pipeline_run_entries e join partitions p on p.job_id = e.job_id
        where e.run_id = any($1::uuid[]) group by e.run_id`,
      [ids],
    );
    const workersOf = new Map(workers.rows.map((r) => [r.run_id, r.workers]));
    return runs.map((run) =>
      toRunView(
        {
          id: run.id,
          pipeline: run.pipeline,
          category: run.category,
          trigger: run.trigger,
          createdAt: run.created_at,
          cancelledAt: run.cancelled_at,
          workers: workersOf.get(run.id) ?? 0,
          entries: entries.rows
            .filter((e) => e.entry_run === run.id)
            .map((e) => ({ entry: e.entry, dataset: e.dataset_name, job: e.id === null ? null : toJobSummary(e, e, now) })),
        },
        now,
      ),
    );
  }
}

interface RunRow {
  id: string;
  pipeline: string;
  category: string | null;
  trigger: RunTrigger;
  created_at: Date;
  cancelled_at: Date | null;
}

function definitionOf(stored: StoredPipeline): PipelineDefinition {
  const { createdAt: _created, updatedAt: _updated, ...definition } = stored;
  return definition;
}

/** Reads a whole pipeline (in the caller's transaction when given one). */
async function read(db: pg.Pool | pg.PoolClient, name: string): Promise<StoredPipeline | null> {
  const head = await db.query<{
    name: string;
    description: string;
    schedule: Schedule | null;
    max_concurrent_entries: number | null;
    created_at: Date;
    updated_at: Date;
  }>('select * from pipelines where name = $1', [name]);
  const row = head.rows[0];
  if (!row) return null;
  const settings = await db.query<{ key: string; value: unknown }>(
    'select key, value from pipeline_settings where pipeline = $1 order by key',
    [name],
  );
  const entries = await db.query<{
    name: string;
    category: string | null;
    enabled: boolean;
    source: PipelineEntry['source'] | null;
    job: PipelineEntry['job'] | null;
    sink: Sink;
  }>('select name, category, enabled, source, job, sink from pipeline_entries where pipeline = $1 order by position', [name]);
  const entrySettings = await db.query<{ entry: string; key: string; value: unknown }>(
    'select entry, key, value from pipeline_entry_settings where pipeline = $1 order by entry, key',
    [name],
  );
  return {
    name: row.name,
    description: row.description,
    schedule: row.schedule,
    maxConcurrentEntries: row.max_concurrent_entries,
    settings: Object.fromEntries(settings.rows.map((s) => [s.key, s.value])) as PipelineSettings,
    entries: entries.rows.map(({ source, job, ...e }) => ({
      ...e,
      ...(source !== null ? { source } : {}),
      ...(job !== null ? { job } : {}),
      settings: Object.fromEntries(entrySettings.rows.filter((s) => s.entry === e.name).map((s) => [s.key, s.value])) as EntrySettings,
    })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Creates or replaces one pipeline in the caller's transaction; an identical definition is left untouched. `current`:
 * the stored pipeline when the caller has already read it (under its lock).
 */
async function put(client: pg.PoolClient, definition: PipelineDefinition, current?: StoredPipeline): Promise<ApplyOutcome> {
  if (current === undefined) {
    const inserted = await client.query(
      `insert into pipelines (name, description, schedule) values ($1, '', null) on conflict (name) do nothing`,
      [definition.name],
    );
    if (inserted.rowCount !== 0) {
      await write(client, definition);
      return 'created';
    }
    current = (await read(client, definition.name))!;
  }
  if (isDeepStrictEqual(normalised(definitionOf(current)), normalised(definition))) return 'unchanged';
  await write(client, definition);
  return 'updated';
}

/** Key order and absent-versus-undefined do not make two definitions differ. */
function normalised(definition: PipelineDefinition): unknown {
  return JSON.parse(JSON.stringify(definition, (_key, value: unknown) => sortKeys(value)));
}

function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Writes a pipeline's definition over its row (which exists): settings and entries are replaced whole. */
async function write(client: pg.PoolClient, p: PipelineDefinition): Promise<void> {
  await client.query(
    'update pipelines set description = $2, schedule = $3, max_concurrent_entries = $4, updated_at = clock_timestamp() where name = $1',
    [p.name, p.description, p.schedule, p.maxConcurrentEntries],
  );
  await client.query('delete from pipeline_settings where pipeline = $1', [p.name]);
  await client.query('delete from pipeline_entries where pipeline = $1', [p.name]);
  const settings = Object.entries(p.settings).filter(([, v]) => v !== undefined);
  await client.query(`insert into pipeline_settings (pipeline, key, value) select $1, * from unnest($2::text[], $3::jsonb[])`, [
    p.name,
    settings.map(([k]) => k),
    settings.map(([, v]) => JSON.stringify(v)),
  ]);
  await client.query(
    `insert into pipeline_entries (pipeline, name, position, category, enabled, source, job, sink)
     select $1, * from unnest($2::text[], $3::int[], $4::text[], $5::boolean[], $6::jsonb[], $7::jsonb[], $8::jsonb[])`,
    [
      p.name,
      p.entries.map((e) => e.name),
      p.entries.map((_, i) => i),
      p.entries.map((e) => e.category),
      p.entries.map((e) => e.enabled),
      p.entries.map((e) => (e.source === undefined ? null : JSON.stringify(e.source))),
      p.entries.map((e) => (e.job === undefined ? null : JSON.stringify(e.job))),
      p.entries.map((e) => JSON.stringify(e.sink)),
    ],
  );
  const overrides = p.entries.flatMap((e) =>
    Object.entries(e.settings).flatMap(([k, v]) => (v === undefined ? [] : [[e.name, k, v] as const])),
  );
  await client.query(
    `insert into pipeline_entry_settings (pipeline, entry, key, value) select $1, * from unnest($2::text[], $3::text[], $4::jsonb[])`,
    [p.name, overrides.map((o) => o[0]), overrides.map((o) => o[1]), overrides.map((o) => JSON.stringify(o[2]))],
  );
}
