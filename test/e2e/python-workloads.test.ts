import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPrograms } from '@partita/kind-program';
import { runInOneProcess } from '../../apps/bench/src/programs/one-process.js';
import { loadTrips, tripLines } from '../../apps/bench/src/programs/trips.js';
import { readJobResult } from '../support/results.js';
import { useSourceSchema } from '../support/source-schema.js';
import { useProgramsStack } from '../support/programs-stack.js';

const PROGRAMS = fileURLToPath(new URL('../../examples/programs/programs.yaml', import.meta.url));

/** Rows without the columns that time the run, numbers as numbers, in one order: what two runs must agree on. */
function comparable(rows: readonly Record<string, unknown>[], key: (r: Record<string, unknown>) => string): Record<string, unknown>[] {
  return rows
    .map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([k]) => !k.endsWith('_seconds'))
          .map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
      ),
    )
    .sort((a, b) => key(a).localeCompare(key(b)));
}

describe('the example Python programs through REST on two workers, equal to the same program in one process', () => {
  const source = useSourceSchema();
  const registry = readPrograms(PROGRAMS);
  const shared = useProgramsStack(PROGRAMS);

  it('a scikit-learn grid search: one row per parameter set, the same scores as one process', async () => {
    const grid = { C: [1, 10], gamma: [0.0005, 0.001, 0.01] };
    const id = await shared.stack.submit({
      kind: 'program',
      program: 'grid-search',
      params: { folds: 3 },
      input: { grid },
      partitions: 3,
      output: { container: shared.stack.container, prefix: 'grid' },
    });
    const job = await shared.stack.waitForJob(id, 120_000);
    expect(job.status, JSON.stringify(job.partitions.map((p) => p.error))).toBe('succeeded');
    expect(new Set(job.partitions.map((p) => p.workerId)).size).toBe(2);
    expect(job.progress).toMatchObject({ itemsDone: 6, itemsTotal: 6 });
    const { rows } = await readJobResult(shared.stack, job);
    const alone = await runInOneProcess(registry.require('grid-search'), { args: ['--grid', JSON.stringify(grid), '--folds', '3'] });
    const key = (r: Record<string, unknown>) => `${String(r['c']).padStart(4)} ${String(r['gamma'])}`;
    expect(rows).toHaveLength(6);
    expect(comparable(rows, key)).toEqual(comparable(alone.rows, key));
    expect(rows.every((r) => (r['mean_accuracy'] as number) > 0.5)).toBe(true);
  });

  it('travel planning in Python: eight groups of seven read with groupsOf, the same plans as one process', async () => {
    const view = await loadTrips({ query: (text: string, params?: unknown[]) => source.sql(text, params) } as never, source.schema, {
      groups: 8,
      size: 7,
      seed: 7,
    });
    const params = { generations: 150, seed: 3 };
    const id = await shared.stack.submit({
      kind: 'program',
      program: 'travel-ga',
      params,
      input: { groupsOf: { table: view, by: ['group_id'] } },
      partitions: 4,
      output: { container: shared.stack.container, prefix: 'travel' },
    });
    const job = await shared.stack.waitForJob(id, 120_000);
    expect(job.status, JSON.stringify(job.partitions.map((p) => p.error))).toBe('succeeded');
    const { rows } = await readJobResult(shared.stack, job);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r['travellers'] === 7)).toBe(true);
    const lines = await tripLines({ query: (text: string) => source.sql(text) } as never, view);
    const alone = await runInOneProcess(registry.require('travel-ga'), { params, inputLines: lines });
    const key = (r: Record<string, unknown>) => String(r['group_id']).padStart(8);
    expect(comparable(rows, key)).toEqual(comparable(alone.rows, key));
  });
});
