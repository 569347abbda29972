import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import type { ApplyOutcome, PipelineDefinition, PipelineEntry, Schedule, Sink } from '@partita/contracts';
import { transaction } from '../transaction.js';
import * as sql from './definitions-sql.js';

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

/**
 * Pipeline definitions: entries, key–value settings and schedule (runs are the RunStore's). A definition is written
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
    }>(sql.LIST);
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
      const inserted = await client.query(sql.INSERT_NAME, [definition.name]);
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
      const locked = await client.query(sql.LOCK, [name]);
      if (locked.rowCount === 0) return null;
      const before = (await read(client, name))!;
      return { before, outcome: await put(client, change(definitionOf(before)), before) };
    });
  }

  /** Deletes a pipeline with its entries, settings and runs (their jobs and datasets stay); false when unknown. */
  async delete(name: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(sql.DELETE, [name]);
    return (rowCount ?? 0) > 0;
  }

  /** Every pipeline's schedule, by name: what the job schedulers must mirror. */
  async schedules(): Promise<Map<string, Schedule>> {
    const { rows } = await this.pool.query<{ name: string; schedule: Schedule }>(sql.SCHEDULES);
    return new Map(rows.map((r) => [r.name, r.schedule]));
  }
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
  }>(sql.HEAD, [name]);
  const row = head.rows[0];
  if (!row) return null;
  const settings = await db.query<{ key: string; value: unknown }>(sql.SETTINGS, [name]);
  const entries = await db.query<{
    name: string;
    category: string | null;
    enabled: boolean;
    source: PipelineEntry['source'] | null;
    job: PipelineEntry['job'] | null;
    sink: Sink;
  }>(sql.ENTRIES, [name]);
  const entrySettings = await db.query<{ entry: string; key: string; value: unknown }>(sql.ENTRY_SETTINGS, [name]);
  return {
    name: row.name,
    description: row.description,
    schedule: row.schedule,
    maxConcurrentEntries: row.max_concurrent_entries,
    settings: Object.fromEntries(settings.rows.map((s) => [s.key, s.value])),
    entries: entries.rows.map(({ source, job, ...e }) => ({
      ...e,
      ...(source !== null ? { source } : {}),
      ...(job !== null ? { job } : {}),
      settings: Object.fromEntries(entrySettings.rows.filter((s) => s.entry === e.name).map((s) => [s.key, s.value])),
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
    const inserted = await client.query(sql.INSERT_NAME, [definition.name]);
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
  await client.query(sql.UPDATE_HEAD, [p.name, p.description, p.schedule, p.maxConcurrentEntries]);
  await client.query(sql.DELETE_SETTINGS, [p.name]);
  await client.query(sql.DELETE_ENTRIES, [p.name]);
  const settings = Object.entries(p.settings).filter(([, v]) => v !== undefined);
  await client.query(sql.INSERT_SETTINGS, [p.name, settings.map(([k]) => k), settings.map(([, v]) => JSON.stringify(v))]);
  await client.query(sql.INSERT_ENTRIES, [
    p.name,
    p.entries.map((e) => e.name),
    p.entries.map((_, i) => i),
    p.entries.map((e) => e.category),
    p.entries.map((e) => e.enabled),
    p.entries.map((e) => (e.source === undefined ? null : JSON.stringify(e.source))),
    p.entries.map((e) => (e.job === undefined ? null : JSON.stringify(e.job))),
    p.entries.map((e) => JSON.stringify(e.sink)),
  ]);
  const overrides = p.entries.flatMap((e) =>
    Object.entries(e.settings).flatMap(([k, v]) => (v === undefined ? [] : [[e.name, k, v] as const])),
  );
  await client.query(sql.INSERT_ENTRY_SETTINGS, [
    p.name,
    overrides.map((o) => o[0]),
    overrides.map((o) => o[1]),
    overrides.map((o) => JSON.stringify(o[2])),
  ]);
}
