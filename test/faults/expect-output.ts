import { expect } from 'vitest';
import type { JobView } from '@partita/contracts';
import { readSortedResult, rowText, type SortedResult } from '../support/results.js';
import type { TestStack } from '../support/stack.js';

/** What identifies a row of a result once. */
export type RowKey = (row: Record<string, unknown>) => string;
/** A travel row: one per traveller of a group. */
export const travelKey: RowKey = (row) => `${String(row['group_id'])}/${String(row['person'])}`;
/** An extract row: its key column. */
export const extractKey =
  (column: string): RowKey =>
  (row) =>
    String(row[column]);

/**
 * What every fault test demands of the job that went through the fault, against a clean run of the same spec: both
 * succeeded; every file each manifest names exists (with the manifest's bytes and rows) and the job's output directory
 * holds nothing but the manifest and those files; no row is there twice; the rows are the clean run's, row for row.
 */
export async function expectSameOutput(
  stack: TestStack,
  faulted: JobView,
  clean: JobView,
  key: RowKey,
  options: { exact?: boolean } = {},
): Promise<SortedResult> {
  expect(clean.status, `clean run: ${JSON.stringify(clean.error)}`).toBe('succeeded');
  expect(faulted.status, `faulted run: ${JSON.stringify(faulted.error)}`).toBe('succeeded');
  const got = await readSortedResult(stack, faulted, options);
  const want = await readSortedResult(stack, clean, options);
  for (const [run, result, job] of [['faulted', got, faulted] as const, ['clean', want, clean] as const]) {
    const named = [...result.manifest.files.map((f) => f.path), job.output.manifest!].sort();
    expect(result.listed, `${run} run: the output directory holds exactly the manifest and the files it names`).toEqual(named);
    const keys = result.rows.map(key);
    expect(new Set(keys).size, `${run} run: no row twice`).toBe(keys.length);
  }
  expect(got.rows.length).toBeGreaterThan(0);
  expect(got.rows.length, 'rows of the faulted run vs the clean run').toBe(want.rows.length);
  // The first differing row, readable, before the deep comparison of everything.
  const first = got.rows.findIndex((row, i) => rowText(row) !== rowText(want.rows[i]!));
  expect(first === -1 ? null : { index: first, faulted: rowText(got.rows[first]!), clean: rowText(want.rows[first]!) }).toBeNull();
  expect(got.rows).toEqual(want.rows);
  return got;
}
