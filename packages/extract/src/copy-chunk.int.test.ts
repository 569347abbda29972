import { randomUUID } from 'node:crypto';
import type { ColumnBuffer } from '@partita/parquet';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferPhysical } from './binary-decoders.js';
import { planChunks } from './chunk-planner.js';
import { buildChunkSelect, type ChunkSelectSource } from './chunk-select.js';
import { keyChunksFromBoundaries, type Chunk } from './chunks.js';
import { describeColumns, planColumns } from './columns.js';
import { copyChunk, type CopyChunkOptions } from './copy-chunk.js';
import type { RowWriter } from './copy-decoder.js';
import { planColumn, type ColumnPlan } from './type-map.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A writer keeping every row as an array of values (INT32 numbers, INT64 bigints, byte arrays as strings); a row group every 4 rows. */
class RowsWriter implements RowWriter {
  readonly rows: unknown[][] = [];
  readonly buffers: readonly ColumnBuffer[];
  closed = false;
  private row: unknown[] = [];
  constructor(plans: readonly ColumnPlan[]) {
    const add = (value: unknown) => this.row.push(value);
    this.buffers = plans.map(
      (p) =>
        ({
          physical: bufferPhysical(p),
          appendNull: () => add(null),
          append: add,
          appendHiLo: (hi: number, lo: number) => add((BigInt(hi) << 32n) + BigInt(lo)),
          appendNumber: (n: number) => add(BigInt(n)),
          appendBigInt: add,
          appendBytes: (source: Uint8Array, start: number, end: number) => add(Buffer.from(source.subarray(start, end)).toString()),
        }) as unknown as ColumnBuffer,
    );
  }
  endRow(): boolean {
    this.rows.push(this.row);
    this.row = [];
    return this.rows.length % 4 === 0;
  }
  async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** copyChunk into RowsWriters; returns its result, the writers in file order and the files' close order. */
async function copyInto(client: pg.ClientBase, sql: string, columns: ColumnPlan[], options: Partial<CopyChunkOptions<RowsWriter>> = {}) {
  const writers: RowsWriter[] = [];
  const closed: number[] = [];
  const result = await copyChunk(client, {
    sql,
    columns,
    maxRowsPerFile: 1_000_000,
    openFile: (index) => {
      expect(index).toBe(writers.length);
      writers.push(new RowsWriter(columns));
      return writers[index]!;
    },
    closeFile: async (index, writer) => {
      expect(writer).toBe(writers[index]);
      closed.push(index);
    },
    ...options,
  });
  return { result, writers, closed, rows: writers.flatMap((w) => w.rows) };
}

describe('copyChunk and buildChunkSelect (real PostgreSQL, own schema)', () => {
  const schema = `t_xcc_${randomUUID().slice(0, 8)}`;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  const names = [
    "O'Brien",
    "it''s",
    'back\\slash',
    "x'); drop table people; --",
    '"quoted"',
    'ünï €',
    '🎉',
    '',
    ' lead',
    'trail ',
    'Zed',
    'a',
    'b',
  ];
  const int = (name: string) => planColumn({ name, typeName: 'int4', typmod: -1, nullable: true });

  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.query(`set search_path = "${schema}"`);
    await client.query(`
      create table ten (id int primary key, v text);
      insert into ten select g, 'v' || g from generate_series(1, 10) g;
      create table people (name text primary key, n int not null);
      create table heap (id int not null, payload text);
      insert into heap select g, repeat('x', 200) from generate_series(1, 5000) g;
    `);
    await client.query(`insert into people select name, i from unnest($1::text[]) with ordinality as u(name, i)`, [names]);
  });

  afterAll(async () => {
    await client.query(`drop schema "${schema}" cascade`);
    await client.end();
  });

  it('rolls to a new file every maxRowsPerFile rows: 10 rows by 3 are files of 3, 3, 3, 1; rows equal the COPY count', async () => {
    const columns = [int('id')];
    const progress: number[] = [];
    const { result, writers, closed, rows } = await copyInto(client, 'select id from ten order by id', columns, {
      maxRowsPerFile: 3,
      onProgress: (n) => progress.push(n),
    });
    expect(result).toEqual({
      rows: 10,
      copyRows: 10,
      files: [
        { index: 0, rows: 3 },
        { index: 1, rows: 3 },
        { index: 2, rows: 3 },
        { index: 3, rows: 1 },
      ],
    });
    expect(writers.map((w) => w.rows.length)).toEqual([3, 3, 3, 1]);
    expect(closed).toEqual([0, 1, 2, 3]);
    expect(rows).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1]));
    expect(progress.at(-1)).toBe(10);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('opens no empty file when the rows fill the last one exactly (9 rows by 3)', async () => {
    const { result } = await copyInto(client, 'select id from ten where id <= 9', [int('id')], { maxRowsPerFile: 3 });
    expect(result.files.map((f) => f.rows)).toEqual([3, 3, 3]);
  });

  it('an empty result still writes one file, with no rows', async () => {
    const { result, writers, closed } = await copyInto(client, 'select id from ten where false', [int('id')], { maxRowsPerFile: 3 });
    expect(result).toEqual({ rows: 0, copyRows: 0, files: [{ index: 0, rows: 0 }] });
    expect(writers).toHaveLength(1);
    expect(closed).toEqual([0]);
  });

  it('key chunks with quotes, backslashes and unicode in the bounds: as literals, they cover every row once', async () => {
    const columns = planColumns(await describeColumns(client, { table: `${schema}.people` }));
    const source: ChunkSelectSource = { table: `${schema}.people`, where: 'n > 0' };
    const plan = await planChunks(client, source, { chunks: 6 });
    expect(plan.method).toBe('quantiles');
    expect(plan.chunks.length).toBeGreaterThan(3);
    const seen: string[] = [];
    for (const chunk of plan.chunks) {
      const sql = buildChunkSelect(source, columns, chunk, plan.keyType);
      const { result, rows } = await copyInto(client, sql, columns);
      expect(result.rows).toBe(result.copyRows);
      seen.push(...rows.map((r) => r[0] as string));
    }
    expect(seen.sort()).toEqual([...names].sort());
  });

  it('block chunks of a table without a key cover every row once', async () => {
    const source: ChunkSelectSource = { table: `${schema}.heap` };
    const plan = await planChunks(client, source, { chunks: 4 });
    expect(plan.method).toBe('blocks');
    const ids: number[] = [];
    for (const chunk of plan.chunks) {
      const sql = buildChunkSelect(source, [int('id')], chunk, null);
      expect(sql).toMatch(/ctid/);
      ids.push(...(await copyInto(client, sql, [int('id')])).rows.map((r) => r[0] as number));
    }
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
  });

  it('a query source, chunked on a column of its result', async () => {
    const source: ChunkSelectSource = { query: `select name as who, n * 10 as tens from ${schema}.people -- the whole lot`, key: 'who' };
    const columns = planColumns(await describeColumns(client, source));
    const chunks = keyChunksFromBoundaries('who', ['a', "it''s"], [1, 1, 1]);
    const seen: unknown[][] = [];
    for (const chunk of chunks) seen.push(...(await copyInto(client, buildChunkSelect(source, columns, chunk, 'text'), columns)).rows);
    expect(seen).toHaveLength(names.length);
    expect(new Set(seen.map((r) => r[0]))).toEqual(new Set(names));
    expect(seen.find((r) => r[0] === "O'Brien")).toEqual(["O'Brien", 10]);
  });

  it('a select that closes the parenthesis to add a statement is refused (42601): the statement never runs, the client stays usable', async () => {
    for (const sql of [
      'select 1) to stdout; select (1',
      `select 1 as x) to stdout; create table "${schema}".pwned (x int); copy (select 1`,
    ]) {
      await expect(copyInto(client, sql, [int('x')]), sql).rejects.toMatchObject({ code: '42601' });
    }
    expect((await client.query('select to_regclass($1) as r', [`"${schema}".pwned`])).rows).toEqual([{ r: null }]);
    expect((await client.query('select 1 as x')).rows).toEqual([{ x: 1 }]);
  });

  it('abort: destroys the COPY stream and rejects with the signal’s reason', async () => {
    const own = new pg.Client({ connectionString: DATABASE_URL });
    await own.connect();
    try {
      const controller = new AbortController();
      const started = Date.now();
      // generate_series in the select list streams its rows (in FROM it would first materialise them all).
      const run = copyInto(own, `select generate_series(1, 50000000) as g`, [int('g')], {
        signal: controller.signal,
        onProgress: (rows) => {
          if (rows > 10_000) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      expect(Date.now() - started).toBeLessThan(2_000);
      const already = AbortSignal.abort(new Error('stop'));
      await expect(copyInto(client, 'select 1', [int('x')], { signal: already })).rejects.toThrow('stop');
    } finally {
      // The client is left in the middle of the COPY: it is discarded (end() drops the socket).
      await own.end();
    }
  });

  it('a value it cannot write: rejects naming the column, reads the rest, and the client stays usable', async () => {
    const amount = planColumn({ name: 'amount', typeName: 'numeric(10,2)', typmod: -1, nullable: true });
    const sql = `select case when g = 5000 then 'NaN'::numeric else g end::numeric(10,2) from generate_series(1, 200000) g`;
    await expect(copyInto(client, sql, [amount])).rejects.toThrow(
      'column "amount": numeric NaN cannot be written to Parquet DECIMAL(10,2)',
    );
    expect((await client.query('select 42 as x')).rows).toEqual([{ x: 42 }]);
  });

  it('a closeFile error is thrown after the rest is read; an error from PostgreSQL ends the COPY; the client stays usable', async () => {
    const failing = copyInto(client, 'select g from generate_series(1, 100000) g', [int('g')], {
      maxRowsPerFile: 1000,
      closeFile: async (index) => {
        if (index === 2) throw new Error('upload failed');
      },
    });
    await expect(failing).rejects.toThrow('upload failed');
    expect((await client.query('select 1 as x')).rows).toEqual([{ x: 1 }]);
    await expect(copyInto(client, 'select 1 / (g - 50000) from generate_series(1, 100000) g', [int('q')])).rejects.toThrow(
      'division by zero',
    );
    expect((await client.query('select 2 as x')).rows).toEqual([{ x: 2 }]);
  });
});

describe('buildChunkSelect', () => {
  const plans = [
    planColumn({ name: 'id', typeName: 'int8', typmod: -1, nullable: false }),
    planColumn({ name: 'mood', typeName: 'mood', typmod: -1, nullable: true, typtype: 'e' }),
  ];
  const [first, middle, last] = keyChunksFromBoundaries('id', ['10', "it's"], [1, 1, 1]) as [Chunk, Chunk, Chunk];
  const blocks: Chunk = { index: 0, kind: 'blocks', fromBlock: 5, toBlock: 9, estimatedRows: 1 };

  it('selects the plans’ expressions from the quoted table, the where and the chunk condition ANDed', () => {
    expect(buildChunkSelect({ table: 's."T x"', where: 'a = 1 or b = 2' }, plans, middle, 'text')).toBe(
      `select "id", "mood"::text from "s"."T x" where (a = 1 or b = 2\n) and ("id" >= '10'::text and "id" < 'it''s'::text)`,
    );
    expect(buildChunkSelect({ table: 't' }, plans, first, 'bigint')).toBe(`select "id", "mood"::text from "t" where "id" < '10'::bigint`);
    expect(buildChunkSelect({ table: 't', where: '  ' }, plans, blocks)).toBe(
      `select "id", "mood"::text from "t" where ctid >= '(5,0)'::tid and ctid < '(9,0)'::tid`,
    );
  });

  it('wraps a query as a subquery, the chunk condition on its key', () => {
    expect(buildChunkSelect({ query: 'select * from v -- note', key: 'id' }, plans, last, null)).toBe(
      `select "id", "mood"::text from (select * from v -- note\n) q where ("id" >= 'it''s' or "id" is null)`,
    );
    expect(buildChunkSelect({ query: 'select 1 as id;  ', key: 'id' }, plans, first)).toBe(
      `select "id", "mood"::text from (select 1 as id\n) q where "id" < '10'`,
    );
  });

  it('refuses block chunks for a query, a chunk on another key, no columns', () => {
    expect(() => buildChunkSelect({ query: 'select 1', key: 'id' }, plans, blocks)).toThrow(/block chunks only exist for tables/);
    expect(() => buildChunkSelect({ query: 'select 1', key: 'other' }, plans, first)).toThrow(
      /ranges over "id", the query's key is "other"/,
    );
    expect(() => buildChunkSelect({ table: 't' }, [], first)).toThrow(/no columns/);
  });
});
