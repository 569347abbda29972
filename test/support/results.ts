import { expect } from 'vitest';
import { Manifest, type JobView } from '@partita/contracts';
import { readParquet } from '@partita/parquet';
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
    rows.push(...parsed.rows);
  }
  return { manifest, rows };
}

export async function readTravelResult(stack: TestStack, job: JobView): Promise<{ manifest: Manifest; rows: TravelRow[] }> {
  const { manifest, rows } = await readJobResult(stack, job);
  return { manifest, rows: rows as unknown as TravelRow[] };
}
