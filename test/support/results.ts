import { expect } from 'vitest';
import { Manifest, type JobView } from '@partita/contracts';
import { readParquet } from '@partita/parquet';
import type { TestStack } from './stack.js';
import type { TravelRow } from './travel-check.js';

/** Reads a finished job's result the way a consumer would: the manifest, then every file it names, checking the counts. */
export async function readTravelResult(stack: TestStack, job: JobView): Promise<{ manifest: Manifest; rows: TravelRow[] }> {
  expect(job.output.manifest).not.toBeNull();
  const manifest = Manifest.parse(JSON.parse((await stack.store.get(job.output.container, job.output.manifest!)).toString()));
  const rows: TravelRow[] = [];
  for (const file of manifest.files) {
    const data = await stack.store.get(job.output.container, file.path);
    expect(data.length).toBe(file.bytes);
    const parsed = await readParquet(data);
    expect(parsed.rows.length).toBe(file.rows);
    rows.push(...(parsed.rows as unknown as TravelRow[]));
  }
  return { manifest, rows };
}
