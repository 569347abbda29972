import { describe, expect, it } from 'vitest';
import { PermanentError } from '@partita/contracts';
import { custom, defineKind, grid, list, range, runJob, runPartition, z } from './index.js';

const noRun = async () => undefined;

describe('defineKind', () => {
  it('refuses a bad definition when the module loads, naming the kind and what is wrong', () => {
    const base = { spec: z.object({}), input: range((_spec: unknown) => 1), run: noRun };
    expect(() => defineKind({ ...base, name: 'Churn Score', version: '1.0.0' })).toThrow(/kind "Churn Score": name must be lowercase/);
    expect(() => defineKind({ ...base, name: 'churn', version: '1.0' })).toThrow(/version "1.0" is not major.minor.patch/);
    expect(() => defineKind({ ...base, name: 'churn', version: '1.0.0', cpu: true })).toThrow(/cpu: true needs a compute function/);
    expect(() => defineKind({ ...base, name: 'churn', version: '1.0.0', spec: z.object({ kind: z.string() }) })).toThrow(
      /must not declare "kind"/,
    );
    expect(() => defineKind({ ...base, name: 'churn', version: '1.0.0', output: { columns: { '1x': 'INT32' } } })).toThrow(
      /output column "1x"/,
    );
    expect(() => defineKind({ ...base, name: 'churn', version: '1.0.0', output: { columns: { x: 'INT96' as never } } })).toThrow(
      /unknown type INT96/,
    );
  });

  it('adds the envelope to the kind’s fields, strict, with the major from the version', () => {
    const kind = defineKind({
      name: 'churn',
      version: '3.2.1',
      spec: z.object({ customers: z.int() }),
      input: range((_spec: unknown) => 1),
      run: noRun,
    });
    expect(kind.major).toBe(3);
    const spec = kind.specSchema.parse({ kind: 'churn', customers: 5 });
    expect(spec).toEqual({
      kind: 'churn',
      customers: 5,
      output: { container: 'results' },
      retry: { attempts: 3, backoffMs: 1000 },
      partitions: 16,
      partitioner: 'cost-aware',
    });
    expect(kind.specSchema.safeParse({ kind: 'churn', customers: 5, extra: 1 }).success).toBe(false);
    expect(kind.specSchema.safeParse({ kind: 'other', customers: 5 }).success).toBe(false);
    // An input that makes its own partitions leaves partitions and partitioner out of the spec.
    const fixed = defineKind({
      name: 'chunks',
      version: '1.0.0',
      spec: z.object({}),
      input: custom({ fixed: true, plan: () => ({ units: [{ key: 'a', cost: 1 }], encode: (u) => u }), open: () => ({}) }),
      run: noRun,
    });
    expect(fixed.specSchema.safeParse({ kind: 'chunks', partitions: 2 }).success).toBe(false);
  });
});

describe('inputs', () => {
  it('grid: the cartesian product, last parameter fastest, every point in exactly one partition', async () => {
    const kind = defineKind({
      name: 'sweep',
      version: '1.0.0',
      spec: z.object({ a: z.array(z.int()), b: z.array(z.string()) }),
      input: grid((spec: { a: number[]; b: string[] }) => ({ a: spec.a, b: spec.b })),
      output: { columns: { a: 'INT32', b: 'UTF8' } },
      run: async ({ items }, ctx) => ctx.write(items),
    });
    const one = await runJob(kind, { a: [1, 2, 3], b: ['x', 'y'], partitions: 1 });
    expect(one[0]!.rows).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 3, b: 'x' },
      { a: 3, b: 'y' },
    ]);
    const four = await runJob(kind, { a: [1, 2, 3], b: ['x', 'y'], partitions: 4 });
    expect(four).toHaveLength(4);
    expect(
      four
        .flatMap((p) => p.rows)
        .map((r) => String(r['a']) + String(r['b']))
        .sort(),
    ).toEqual(['1x', '1y', '2x', '2y', '3x', '3y']);
  });

  it('range and list: costs balance the partitions (LPT), the list is read again from the spec on the worker', async () => {
    const weighted = defineKind({
      name: 'weighted',
      version: '1.0.0',
      spec: z.object({ weights: z.array(z.number()) }),
      input: list((spec: { weights: number[] }) => spec.weights, { cost: (w) => w }),
      output: { columns: { w: 'DOUBLE' } },
      run: async ({ items }, ctx) => ctx.write(items.map((w) => ({ w }))),
    });
    const runs = await runJob(weighted, { weights: [8, 7, 6, 5, 4, 3, 2, 1], partitions: 2 });
    expect(runs.map((r) => r.rows.reduce((a, row) => a + (row['w'] as number), 0))).toEqual([18, 18]);
    const seeds = defineKind({
      name: 'seeds',
      version: '1.0.0',
      spec: z.object({ n: z.int() }),
      input: range((spec: { n: number }) => spec.n),
      output: { columns: { seed: 'INT32' } },
      run: async ({ items }, ctx) => ctx.write(items.map((seed) => ({ seed }))),
    });
    const part = await runPartition(seeds, { n: 10, partitions: 3, partitioner: 'round-robin' }, 1);
    expect(part.rows.map((r) => r['seed'])).toEqual([1, 4, 7]);
    await expect(runPartition(seeds, { n: 2, partitions: 3 }, 2)).rejects.toThrow(/no partition 2/);
  });

  it('refuses more units than the master allows and a partition message that is not its own', async () => {
    const seeds = defineKind({
      name: 'seeds',
      version: '1.0.0',
      spec: z.object({ n: z.int() }),
      input: range((s: { n: number }) => s.n),
      run: noRun,
    });
    await expect(runJob(seeds, { n: 11 }, { limits: { units: 10 } })).rejects.toThrow(
      "input: 11 units, over this master's limit of 10 units per job (MAX_GROUPS_PER_JOB)",
    );
    await expect(runJob(seeds, { n: 40, partitions: 30 }, { limits: { partitions: 20 } })).rejects.toThrow(/^partitions: 30 partitions/);
    const open = () => seeds.input.open({ ranges: [[5, 12]] }, { n: 10 } as never, {} as never);
    expect(open).toThrow(PermanentError);
    expect(open).toThrow(/unit 10 is outside the job's 10 units/);
    expect(() => seeds.input.open({ ids: ['a'] }, { n: 10 } as never, {} as never)).toThrow(PermanentError);
  });
});
