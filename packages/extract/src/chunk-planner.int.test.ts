import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChunks } from './chunk-planner.js';
import type { ChunkPlan } from './chunk-planner.js';
import { quoteIdent, quoteTableName } from '@partita/contracts';
import { chunkPredicate } from './chunks.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('planChunks (real PostgreSQL, own schema)', () => {
  const schema = `t_chunks_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: DATABASE_URL });

  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.query(`set search_path to "${schema}"`);
    // 100,000 rows: 90,000 with consecutive ids (the densest a unique bigint can be), 10,000 spread
    // over 10^12. Column skew: 90% of its values in [0, 1000), not unique.
    await client.query(`
      create table skewed (id bigint primary key, skew bigint not null, v int not null);
      insert into skewed
        select g, (g * 7919) % 1000, g % 10 from generate_series(1, 90000) g;
      insert into skewed
        select 1000000 + g::bigint * 99999989, 1000 + g::bigint * 99999989, g % 10 from generate_series(1, 10000) g;
      analyze skewed;
      create table texts (name text primary key, v int not null);
      insert into texts select 'user-' || md5(g::text), g from generate_series(1, 20000) g;
      create table heap (id int not null, payload text);
      insert into heap select g, repeat('x', 50) from generate_series(1, 50000) g;
      create table composite (a int, b int, primary key (a, b));
      insert into composite select g, g from generate_series(1, 10000) g;
      create table nullable (id int primary key, k int);
      insert into nullable select g, case when g % 10 = 0 then null else g % 500 end from generate_series(1, 20000) g;
    `);
  });

  afterAll(async () => {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  /** Runs every chunk's predicate; returns the rows per chunk and checks each row lands exactly once. */
  async function checkPartition(table: string, idColumn: string, plan: ChunkPlan, where?: string): Promise<number[]> {
    const counts: number[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    for (const chunk of plan.chunks) {
      const p = chunkPredicate(chunk, plan.keyType);
      const { rows } = await client.query<{ id: string }>(
        `select ${quoteIdent(idColumn)}::text as id from ${quoteTableName(`${schema}.${table}`)} where ${where ? `(${where})` : 'true'} and ${p.sql}`,
        p.params,
      );
      counts.push(rows.length);
      for (const r of rows) {
        if (seen.has(r.id)) duplicates++;
        seen.add(r.id);
      }
    }
    const total = Number(
      (
        await client.query<{ n: string }>(
          `select count(*) as n from ${quoteTableName(`${schema}.${table}`)} where ${where ? `(${where})` : 'true'}`,
        )
      ).rows[0]!.n,
    );
    expect(duplicates).toBe(0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
    expect(seen.size).toBe(total);
    // A plan that counted says exactly what each chunk reads; one that estimated says so.
    if (plan.exact) expect(counts).toEqual(plan.chunks.map((c) => c.estimatedRows));
    return counts;
  }

  const ratio = (counts: number[]): number => Math.max(...counts) / Math.min(...counts);

  it('balances a skewed bigint primary key by row count', async () => {
    const plan = await planChunks(client, { table: `${schema}.skewed` }, { chunks: 8 });
    expect(plan.method).toBe('quantiles');
    expect(plan.key).toBe('id');
    expect(plan.keyType).toBe('bigint');
    expect(plan.estimatedRows).toBe(100_000);
    expect(plan.chunks).toHaveLength(8);
    const counts = await checkPartition('skewed', 'id', plan);
    console.log(`skewed primary key, rows per chunk: ${counts.join(', ')} (max/min ${ratio(counts).toFixed(3)})`);
    expect(ratio(counts)).toBeLessThan(1.5);
  });

  it('balances a skewed non-unique key (90% of rows in a width-1000 range)', async () => {
    const plan = await planChunks(client, { table: `${schema}.skewed` }, { chunks: 8 }, { key: 'skew' });
    expect(plan.key).toBe('skew');
    expect(plan.chunks).toHaveLength(8);
    const counts = await checkPartition('skewed', 'id', plan);
    console.log(`skewed column, rows per chunk: ${counts.join(', ')} (max/min ${ratio(counts).toFixed(3)})`);
    expect(ratio(counts)).toBeLessThan(1.5);
  });

  it('splits a text key with rowsPerChunk', async () => {
    const plan = await planChunks(client, { table: `${schema}.texts` }, { rowsPerChunk: 3000 });
    expect(plan).toMatchObject({ method: 'quantiles', key: 'name', keyType: 'text', estimatedRows: 20_000 });
    expect(plan.chunks).toHaveLength(7);
    const counts = await checkPartition('texts', 'name', plan);
    expect(ratio(counts)).toBeLessThan(1.5);
  });

  it('splits a table without a primary key by blocks', async () => {
    const plan = await planChunks(client, { table: `${schema}.heap` }, { chunks: 6 });
    expect(plan).toMatchObject({ method: 'blocks', key: null, keyType: null, estimatedRows: 50_000, exact: false });
    expect(plan.chunks).toHaveLength(6);
    const counts = await checkPartition('heap', 'id', plan);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('splits a table with a composite primary key by blocks', async () => {
    const plan = await planChunks(client, { table: `${schema}.composite` }, { chunks: 3 });
    expect(plan.method).toBe('blocks');
    await checkPartition('composite', 'a', plan);
  });

  it('applies the where clause to the estimate and the boundaries', async () => {
    const where = 'v < 3';
    const plan = await planChunks(client, { table: `${schema}.skewed`, where }, { chunks: 5 });
    expect(plan.estimatedRows).toBe(30_000);
    expect(plan.exact).toBe(true);
    const counts = await checkPartition('skewed', 'id', plan, where);
    expect(ratio(counts)).toBeLessThan(1.5);
  });

  it('puts NULL keys in exactly one chunk, the last', async () => {
    const plan = await planChunks(client, { table: `${schema}.nullable` }, { chunks: 4 }, { key: 'k' });
    expect(plan.key).toBe('k');
    expect(plan.keyType).toBe('integer');
    expect(plan.exact).toBe(true); // duplicates and NULL keys counted where they are read
    await checkPartition('nullable', 'id', plan);
    const nullsPerChunk: number[] = [];
    for (const chunk of plan.chunks) {
      const p = chunkPredicate(chunk, plan.keyType);
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from ${quoteTableName(`${schema}.nullable`)} where k is null and ${p.sql}`,
        p.params,
      );
      nullsPerChunk.push(rows[0]!.n);
    }
    expect(nullsPerChunk).toEqual([0, 0, 0, 2000]);
  });

  it('names a key column that does not exist', async () => {
    await expect(planChunks(client, { table: `${schema}.skewed` }, { chunks: 4 }, { key: 'nope' })).rejects.toThrow(
      /key column "nope" does not exist/,
    );
    await expect(planChunks(client, { table: `${schema}.missing` }, { chunks: 4 })).rejects.toThrow(/does not exist/);
  });

  it('samples a large table (threshold lowered for the test)', async () => {
    const options = { exactRowsLimit: 10_000, sampleRows: 50_000 };
    const plan = await planChunks(client, { table: `${schema}.skewed` }, { chunks: 8 }, options);
    expect(plan.method).toBe('quantiles');
    expect(plan.estimatedRows).toBe(100_000); // reltuples after analyze
    expect(plan.exact).toBe(false);
    const counts = await checkPartition('skewed', 'id', plan);
    console.log(`sampled skewed primary key, rows per chunk: ${counts.join(', ')} (max/min ${ratio(counts).toFixed(3)})`);
    expect(ratio(counts)).toBeLessThan(2);

    const where = 'v < 3';
    const filtered = await planChunks(client, { table: `${schema}.skewed`, where }, { chunks: 4 }, options);
    expect(Math.abs(filtered.estimatedRows - 30_000)).toBeLessThan(6_000);
    await checkPartition('skewed', 'id', filtered, where);
  });

  it('gives one chunk for an empty table', async () => {
    await client.query(`create table empty (id bigint primary key)`);
    const plan = await planChunks(client, { table: `${schema}.empty` }, { chunks: 8 });
    expect(plan.chunks).toHaveLength(1);
    expect(plan.estimatedRows).toBe(0);
  });
});
