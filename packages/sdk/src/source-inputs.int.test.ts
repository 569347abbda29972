import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@partita/contracts';
import { ensureReaderRole } from '@partita/extract';
import { DATABASE_URL, READER_ROLE, SOURCE_DATABASE_URL } from '../../../test/support/env.js';
import { uniqueName } from '../../../test/support/isolation.js';
import { chunksOf, defineKind, groupsOf, runJob, z } from './index.js';

const Spec = z.object({ table: z.string(), chunks: z.int().min(1).default(4), where: z.string().optional() });
type Spec = z.infer<typeof Spec>;

/** Every id a chunk's batches hold, one output row each. */
const ids = defineKind({
  name: 'chunk-ids',
  version: '1.0.0',
  spec: Spec,
  input: chunksOf({
    source: (spec: Spec) => ({ table: spec.table, key: 'id', ...(spec.where ? { where: spec.where } : {}) }),
    chunks: (spec: Spec) => ({ count: spec.chunks }),
    batchRows: 100,
  }),
  output: { columns: { id: 'INT64', batch: 'INT32' } },
  run: async ({ rows }, ctx) => {
    let batch = 0;
    for await (const rowsOfBatch of rows) {
      expect(rowsOfBatch.length).toBeLessThanOrEqual(100);
      await ctx.write(rowsOfBatch.map((r) => ({ id: r['id'] as bigint, batch })));
      batch++;
    }
  },
});

/** One row per group: its key and how many rows it had. */
const sizes = defineKind({
  name: 'group-sizes',
  version: '1.0.0',
  spec: Spec,
  input: groupsOf({ source: (spec: Spec) => ({ table: spec.table }), by: () => ['g'] }),
  output: { columns: { g: 'UTF8', n: 'INT32' } },
  run: async ({ groups, groupCount }, ctx) => {
    let seen = 0;
    for await (const group of groups) {
      await ctx.write({ g: String(group.key['g']), n: group.rows.length });
      seen++;
    }
    expect(seen).toBe(groupCount);
  },
});

describe('source inputs run in one process (runJob with a source pool, in an exported snapshot)', () => {
  const schema = uniqueName('src_');
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  const reader = new pg.Pool({ connectionString: SOURCE_DATABASE_URL, max: 4 });
  const table = `${schema}.t`;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.query(`create table ${table} (id bigint primary key, g text, v numeric(8,2))`);
    await admin.query(`insert into ${table} select i, 'g' || (i % 7), i / 10.0 from generate_series(1, 2345) as i`);
    await admin.query(`analyze ${table}`);
    await ensureReaderRole(admin, READER_ROLE, [schema]);
  });
  afterAll(async () => {
    await reader.end();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  });

  it('chunksOf: balanced chunks, one partition each, every row once in batches', async () => {
    const runs = await runJob(ids, { table, chunks: 5 }, { source: reader });
    expect(runs).toHaveLength(5);
    const all = runs.flatMap((r) => r.rows.map((row) => Number(row['id'])));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 2345 }, (_, i) => i + 1));
    for (const r of runs) expect(r.rows.length).toBeGreaterThan(2345 / 5 / 2);
    const filtered = await runJob(ids, { table, chunks: 2, where: 'id <= 50 -- a comment' }, { source: reader });
    expect(filtered.flatMap((r) => r.rows)).toHaveLength(50);
  });

  it('chunksOf refuses a condition that would write, naming the field', async () => {
    const refused = runJob(ids, { table, where: `nextval('${schema}.s') > 0` }, { source: reader });
    await expect(refused).rejects.toThrow(ValidationError);
    await expect(runJob(ids, { table, where: 'id > 0; drop table x' }, { source: reader })).rejects.toThrow(/^source\.where: /);
  });

  it('groupsOf: every group once, whole', async () => {
    const runs = await runJob(sizes, { table, partitions: 3 }, { source: reader });
    const rows = runs.flatMap((r) => r.rows).sort((a, b) => String(a['g']).localeCompare(String(b['g'])));
    const { rows: expected } = await admin.query<{ g: string; n: number }>(
      `select g, count(*)::int as n from ${table} group by g order by g`,
    );
    expect(rows).toEqual(expected);
  });
});
