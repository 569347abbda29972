import pg from 'pg';
import { expect } from 'vitest';
import { Manifest, type JobView } from '@partita/contracts';
import { readParquet } from '@partita/parquet';
import { DATABASE_URL } from './env.js';
import type { TestStack } from './stack.js';
import type { TravelRow } from './travel-check.js';

/**
 * Reads a finished job's result the way a consumer would: the manifest, then every file it names, checking the counts.
 * `exact`: decimals as strings, timestamps as bigint microseconds, dates as day numbers (see readParquet).
 */
export async function readJobResult(
  stack: TestStack,
  job: JobView,
  options: { exact?: boolean } = {},
): Promise<{ manifest: Manifest; rows: Record<string, unknown>[] }> {
  expect(job.output.manifest).not.toBeNull();
  const manifest = Manifest.parse(JSON.parse((await stack.store.get(job.output.container, job.output.manifest!)).toString()));
  const rows: Record<string, unknown>[] = [];
  for (const file of manifest.files) {
    const data = await stack.store.get(job.output.container, file.path);
    expect(data.length).toBe(file.bytes);
    const parsed = await readParquet(data, options);
    expect(parsed.rows.length).toBe(file.rows);
    for (const row of parsed.rows) rows.push(row);
  }
  return { manifest, rows };
}

export async function readTravelResult(stack: TestStack, job: JobView): Promise<{ manifest: Manifest; rows: TravelRow[] }> {
  const { manifest, rows } = await readJobResult(stack, job);
  return { manifest, rows: rows as unknown as TravelRow[] };
}

/** A finished job's result as one comparable whole. */
export interface SortedResult {
  manifest: Manifest;
  /** Every row of every file the manifest names, in one canonical order (see `sortRows`). */
  rows: Record<string, unknown>[];
  /** The job's output directory: where its manifest is, with a trailing `/`. */
  directory: string;
  /** Every blob under `directory`, by path. */
  listed: string[];
}

/**
 * Reads every file a finished job's manifest names (each must exist with the manifest's bytes and rows), sorts the
 * rows so that two runs of one spec compare deep-equal, and lists the job's output directory. Nothing is assumed
 * about file names: they come from the manifest.
 */
export async function readSortedResult(stack: TestStack, job: JobView, options: { exact?: boolean } = {}): Promise<SortedResult> {
  const { manifest, rows } = await readJobResult(stack, job, options);
  const manifestPath = job.output.manifest!;
  const directory = manifestPath.slice(0, manifestPath.lastIndexOf('/') + 1);
  const listed = (await stack.store.list(job.output.container, directory)).map((b) => b.path);
  return { manifest, rows: sortRows(rows), directory, listed };
}

/** Rows ordered by all their values, in column order: a total order whatever the columns. */
export function sortRows<T extends Record<string, unknown>>(rows: readonly T[]): T[] {
  return rows
    .map((row) => ({ row, key: rowText(row) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.row);
}

/** A row as text that tells every value apart: bigints, bytes, -0 and NaN included. */
export function rowText(row: Record<string, unknown>): string {
  return JSON.stringify(Object.values(row), (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    if (Object.is(value, -0)) return '-0';
    return value;
  });
}

/** One attempt of a partition, as the catalog recorded it. */
export interface AttemptRecord {
  index: number;
  attempt: number;
  workerId: string;
  /** `running`, `succeeded`, `failed`, or how an attempt ended that was not the partition's failure (e.g. `abandoned`). */
  outcome: string;
}

/** Every attempt of a job's partitions, from the catalog itself (works while no master runs), by partition and attempt. */
export async function readAttempts(stack: TestStack, jobId: string): Promise<AttemptRecord[]> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<AttemptRecord>(
      `select idx as "index", attempt, worker_id as "workerId", outcome
         from "${stack.schema}".attempts where job_id = $1 order by idx, attempt`,
      [jobId],
    );
    return rows;
  } finally {
    await client.end();
  }
}
