import { describe, expect, it } from 'vitest';
import type { DatasetHistory } from '@partita/contracts';
import { api } from '../support/faults-api.js';
import { countQueueKeys } from '../support/isolation.js';
import { readJobResult } from '../support/results.js';
import { useSourceSchema } from '../support/source-schema.js';
import { useStack } from '../support/stack.js';

const ALL_TYPES = (s: string) => `
  create type ${s}.mood as enum ('sad', 'ok', 'happy');
  create domain ${s}.posint as bigint check (value > 0);
  create table ${s}.all_types (
    id bigint primary key,
    i2 smallint, i4 integer, i8 bigint, o oid,
    f4 real, f8 double precision,
    n52 numeric(5,2), n184 numeric(18,4), n3810 numeric(38,10), n6020 numeric(60,20), nfree numeric,
    d date, ts timestamp, tstz timestamptz,
    b boolean, t text, vc varchar(20), c5 char(5), u uuid, j json, jb jsonb, by bytea,
    m ${s}.mood, dom ${s}.posint
  );
  -- every column NULL
  insert into ${s}.all_types (id) values (1);
  -- the smallest values
  insert into ${s}.all_types values (2, -32768, -2147483648, -9223372036854775808, 0, '-Infinity', 'NaN',
    -999.99, -99999999999999.9999, -9999999999999999999999999999.9999999999,
    -1234567890123456789012345678901234567890.12345678901234567890, -0.000001,
    '0001-01-01', '0001-01-01 00:00:00', '1900-01-01 00:00:00.000001+00',
    false, '', '', '', '00000000-0000-0000-0000-000000000000', '{}', '[]', '\\x', 'sad', 1);
  -- the largest values
  insert into ${s}.all_types values (3, 32767, 2147483647, 9223372036854775807, 4294967295, 3.4028235e38, 'Infinity',
    999.99, 99999999999999.9999, 9999999999999999999999999999.9999999999,
    9999999999999999999999999999999999999999.99999999999999999999, 123456789012345678901234567890.123456789,
    '9999-12-31', '9999-12-31 23:59:59.999999', '2999-12-31 23:59:59.999999+05',
    true, 'ünïcödé 日本語 😀', 'x', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2, {"b": null}]}',
    '{"k": "v", "n": 1.5}', '\\x00ff00', 'happy', 9223372036854775807);
  -- a skewed key: 90% of the rows in a narrow range, the rest spread up to 3e11; NULLs sprinkled in
  insert into ${s}.all_types
  select case when g % 10 = 0 then g::bigint * 100000000 else 1000 + g end,
         (g % 30000 - 15000)::smallint, g * 7919 - 12000000, g::bigint * 3037000493, g,
         case when g % 97 = 0 then null else g / 7.0 end, case when g % 89 = 0 then -0.0 else g * 1e-300 end,
         (g % 99999) / 100.0, g * 12345.6789, -g * 1234567890.0123456789, g * 1e25, g / 3.0,
         date '1969-12-31' + (g % 5000 - 2500), timestamp '1999-12-31 23:59:59.999999' + g * interval '37 minutes 0.000123 seconds',
         timestamptz '1969-12-31 23:59:59.5+00' + g * interval '1 hour 0.000001 seconds',
         g % 3 = 0, case when g % 11 = 0 then null else repeat(chr(65 + g % 26), g % 40) end,
         left(md5(g::text), g % 20), case when g % 2 = 0 then 'z' end, md5(g::text)::uuid,
         json_build_object('g', g)::json, jsonb_build_object('g', g, 'even', g % 2 = 0), decode(md5(g::text), 'hex'),
         (array['sad', 'ok', 'happy'])[1 + g % 3]::${s}.mood, g + 1
    from generate_series(1, 3000) g;
  analyze ${s}.all_types;
`;

/** What PostgreSQL holds, in the forms the exact Parquet reader returns (compared as canonical strings). */
const EXPECTED = (s: string) => `
  select id::text as id, i2, i4, i8::text as i8, o::text as o, f4::float8 as f4, f8,
         n52::text as n52, n184::text as n184, n3810::text as n3810, n6020::text as n6020, nfree::text as nfree,
         (d - date '1970-01-01') as d,
         (extract(epoch from ts) * 1000000)::numeric(30,0)::text as ts,
         (extract(epoch from tstz) * 1000000)::numeric(30,0)::text as tstz,
         b, t, vc, c5::bpchar as c5, u::text as u, j::text as j, jb::text as jb, encode(by, 'hex') as by, m::text as m, dom::text as dom
    from ${s}.all_types order by id`;

/** One value as a comparable string: -0 and NaN kept apart, bigint and bytes spelled out, decimals normalised. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- what is left are strings and booleans
  return String(value);
}

/** A decimal string without superfluous zeros: `-1.50` and `-1.5` compare equal, `-0.00` is `0`. */
function decimal(text: string): string {
  const negative = text.startsWith('-');
  let [int = '', frac = ''] = text.replace(/^[-+]/, '').split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  const body = frac ? `${int || '0'}.${frac}` : int || '0';
  return negative && body !== '0' ? `-${body}` : body;
}

const DECIMAL_COLUMNS = new Set(['n52', 'n184', 'n3810', 'n6020']);

function expectSameRows(actual: Record<string, unknown>[], expected: Record<string, unknown>[]): void {
  expect(actual.length).toBe(expected.length);
  const byId = new Map(actual.map((r) => [canonical(r['id']), r]));
  expect(byId.size).toBe(actual.length); // nothing duplicated
  for (const want of expected) {
    const got = byId.get(canonical(want['id']));
    expect(got, `row ${String(want['id'])}`).toBeDefined();
    for (const [column, value] of Object.entries(want)) {
      const a = canonical(got![column]);
      const e = canonical(value);
      const same = DECIMAL_COLUMNS.has(column) && e !== 'NULL' ? decimal(a) === decimal(e) : a === e;
      expect(same, `row ${String(want['id'])} column ${column}: parquet ${a}, postgres ${e}`).toBe(true);
    }
  }
}

describe('sql-extract: PostgreSQL → balanced chunks → Parquet in Blob Storage → a registered dataset', () => {
  const ctx = useStack({ workers: 2 });
  const source = useSourceSchema();

  it('extracts every mapped type exactly, in balanced chunks of a skewed key, and registers dataset versions', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(ALL_TYPES(s));
    const spec = {
      kind: 'sql-extract',
      source: { table: `${s}.all_types` },
      chunks: { count: 4 },
      output: { container: stack.container, prefix: 'extracts', rowsPerRowGroup: 128, maxRowsPerFile: 500 },
      dataset: { name: `types-${s}`, description: 'every mapped type', tags: { team: 'data' } },
    };
    const job = await stack.waitForJob(await stack.submit(spec));
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');

    // Chunks balanced by rows, not by key range: 3003 rows in 4 chunks of ~750 although 90% of the keys are in 0.001% of the range.
    const e = job.extract!;
    expect(e.method).toBe('quantiles');
    expect(e.key).toBe('id');
    expect(e.estimatedRows).toBe(3003);
    const rowsPerChunk = job.partitions.map((p) => p.rows ?? 0);
    expect(rowsPerChunk.reduce((a, b) => a + b, 0)).toBe(3003);
    expect(Math.max(...rowsPerChunk) / Math.min(...rowsPerChunk)).toBeLessThan(1.01);
    expect(e.chunkRowsExact).toBe(true);
    expect(rowsPerChunk).toEqual(e.chunkRows); // planned = read
    expect(e.snapshot.mode).toBe('exported');
    expect(e.completeness).toEqual({ sourceRows: 3003, rowsWritten: 3003, complete: true });
    expect(e.columns.find((c) => c.name === 'n3810')).toMatchObject({ parquet: 'DECIMAL', precision: 38, scale: 10 });

    const { manifest, rows } = await readJobResult(stack, job, { exact: true });
    // Files of at most 500 rows: part-<chunk>-a<attempt>-<file> under <prefix>/<dataset>/<job id>/.
    expect(manifest.files.length).toBeGreaterThanOrEqual(8);
    for (const f of manifest.files) {
      expect(f.path).toMatch(new RegExp(`^extracts/types-${s}/${job.id}/part-\\d{5}-a\\d+-\\d{3}\\.parquet$`));
      expect(f.rows).toBeLessThanOrEqual(500);
    }
    expect(manifest.source).toMatchObject({ table: `${s}.all_types`, key: 'id', method: 'quantiles', sourceRows: 3003, rowsWritten: 3003 });
    expect(manifest.source?.snapshot.id).toBe(e.snapshot.id);
    expect(manifest.schema.find((c) => c.name === 'tstz')).toMatchObject({ type: 'TIMESTAMP_MICROS', pgType: 'timestamptz' });
    expectSameRows(rows, (await source.sql(EXPECTED(s))).rows);

    // A second run is the dataset's version 2.
    const again = await stack.waitForJob(await stack.submit(spec));
    expect(again.status).toBe('succeeded');
    const history = (await api(stack, 'GET', `/datasets/types-${s}`)).json as DatasetHistory;
    expect(history.versions.map((v) => [v.version, v.jobId])).toEqual([
      [2, again.id],
      [1, job.id],
    ]);
    expect(history.versions[0]).toMatchObject({ kind: 'sql-extract', rows: 3003, tags: { team: 'data' }, manifest: again.output.manifest });
    const list = await api(stack, 'GET', '/datasets');
    expect(list.json.items.find((d: { name: string }) => d.name === `types-${s}`)).toMatchObject({ version: 2, versions: 2 });
    expect((await api(stack, 'GET', '/datasets/no-such-dataset')).status).toBe(404);
  });

  it('reads one snapshot: rows inserted, updated, moved between chunks or deleted after the submit are not in the output', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(`create table ${s}.orders (id int primary key, amount numeric(12,2) not null, note text);
      insert into ${s}.orders select g, g / 100.0, 'v1' from generate_series(1, 20000) g;`);
    const before = (await source.sql(`select id, amount::text as amount, note from ${s}.orders order by id`)).rows;
    // Keep the workers away until the table has changed, so that without the snapshot they would see the changes.
    await stack.pauseWorkers();
    const id = await stack.submit({
      kind: 'sql-extract',
      source: { table: `${s}.orders` },
      chunks: { count: 5 },
      output: { container: stack.container, prefix: 'x' },
      dataset: { name: `orders-${s}` },
    });
    await source.sql(`insert into ${s}.orders select g, 1, 'new' from generate_series(20001, 25000) g`);
    await source.sql(`update ${s}.orders set note = 'v2', amount = amount + 1 where id % 3 = 0`);
    await source.sql(`update ${s}.orders set id = id + 1000000 where id <= 2000`); // from the first chunk to the last
    await source.sql(`delete from ${s}.orders where id between 10000 and 10999`);
    await stack.resumeWorkers();
    const job = await stack.waitForJob(id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.extract?.snapshot.mode).toBe('exported');
    expect(job.extract?.completeness).toEqual({ sourceRows: 20000, rowsWritten: 20000, complete: true });
    const { rows } = await readJobResult(stack, job, { exact: true });
    const got = rows
      .map((r) => ({ id: r['id'], amount: decimal(String(r['amount'])), note: r['note'] }))
      .sort((a, b) => Number(a.id) - Number(b.id));
    expect(got).toEqual(before.map((r) => ({ id: r.id, amount: decimal(r.amount), note: r.note })));
  });

  it('a table without a key is split by heap blocks, and a query by its key; a query column list is honoured', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(`create table ${s}.events (at timestamptz not null, kind text, n int);
      insert into ${s}.events select timestamptz '2024-01-01' + g * interval '1 second', 'k' || (g % 7), g from generate_series(1, 30000) g;`);
    const blocks = await stack.waitForJob(
      await stack.submit({
        kind: 'sql-extract',
        source: { table: `${s}.events`, columns: ['n', 'kind'], where: 'n % 2 = 0' },
        chunks: { count: 3 },
        output: { container: stack.container },
        dataset: { name: `events-${s}` },
      }),
    );
    expect(blocks.status, JSON.stringify(blocks.error)).toBe('succeeded');
    expect(blocks.extract).toMatchObject({
      method: 'blocks',
      key: null,
      completeness: { sourceRows: 15000, rowsWritten: 15000, complete: true },
    });
    const read = await readJobResult(stack, blocks, { exact: true });
    expect(read.manifest.schema.map((c) => c.name)).toEqual(['n', 'kind']);
    expect(read.rows.map((r) => r['n'] as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 15000 }, (_, i) => 2 * (i + 1)));

    const query = await stack.waitForJob(
      await stack.submit({
        kind: 'sql-extract',
        source: { query: `select n, upper(kind) as kind, n * 2 as twice from ${s}.events where n <= 1000`, key: 'n' },
        chunks: { rowsPerChunk: 300 },
        casts: { numericAs: 'double' },
        output: { container: stack.container },
        dataset: { name: `query-${s}` },
      }),
    );
    expect(query.status, JSON.stringify(query.error)).toBe('succeeded');
    expect(query.partitions.length).toBe(4);
    expect(query.extract?.completeness.complete).toBe(true);
    const q = await readJobResult(stack, query, { exact: true });
    expect(q.rows.length).toBe(1000);
    expect(new Set(q.rows.map((r) => r['n'])).size).toBe(1000);
    expect(q.rows.every((r) => r['twice'] === (r['n'] as number) * 2 && /^K\d$/.test(r['kind'] as string))).toBe(true);
  });

  it('bad sources fail with a clear 400 naming the field, before anything is enqueued or written', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(`create table ${s}.t (id int primary key, span interval, tags int[]);
      insert into ${s}.t values (1, '1 day', '{1}');
      create sequence ${s}.seq;`);
    const base = { kind: 'sql-extract', output: { container: stack.container }, dataset: { name: 'bad' } };
    const queueKeys = await countQueueKeys(`${stack.prefix}:partitions-sql-extract`);
    const cases: Array<[unknown, string, RegExp]> = [
      [{ table: `${s}.t` }, 'source.table', /column "span" has type interval, which has no Parquet mapping/],
      [{ table: `${s}.t`, columns: ['id', 'tags'] }, 'source.columns', /column "tags" has type int4\[\]/],
      [{ table: `${s}.missing` }, 'source.table', /does not exist/],
      [{ table: `${s}.t`, columns: ['id', 'nope'] }, 'source.columns', /column "nope" does not exist/],
      [{ table: `${s}.t`, key: 'nope', columns: ['id'] }, 'source.key', /nope/],
      [{ table: 't; drop table x' }, 'source.table', /must be `table` or `schema.table`.*a `query` reads anything else/],
      [{ table: `${s}.t`, columns: ['id"; drop table x; --'] }, 'source.columns[0]', /double quotes/],
      // A condition that would escape its parentheses (every chunk would read every row) or add a statement.
      [{ table: `${s}.t`, columns: ['id'], where: 'id > 0) or (true' }, 'source.where', /not valid SQL: syntax error at or near "\)"/],
      [{ table: `${s}.t`, columns: ['id'], where: 'true; delete from t' }, 'source.where', /one condition, but it holds 2 statements/],
      [{ table: `${s}.t`, columns: ['id'], where: 'no_such_column > 0' }, 'source.where', /no_such_column/],
      [{ query: `insert into ${s}.t (id) values (2) returning id`, key: 'id' }, 'source.query', /one SELECT statement, not INSERT/],
      [{ query: `with d as (delete from ${s}.t returning id) select id from d`, key: 'id' }, 'source.query', /writes|data-modifying/],
      [{ query: `select id from ${s}.t; drop table ${s}.t`, key: 'id' }, 'source.query', /one SELECT statement, but it holds 2 statements/],
      [{ query: `select id from ${s}.t`, key: 'missing' }, 'source.key', /missing/],
      // Planning runs the query (count and quantiles) in the read-only snapshot: a write is refused before any data moves.
      [{ query: `select id, nextval('${s}.seq') as n from ${s}.t`, key: 'id' }, 'source.query', /must only read.*read-only transaction/],
    ];
    for (const [src, field, message] of cases) {
      const res = await api(stack, 'POST', '/jobs', { ...base, source: src });
      expect(res.status, `${JSON.stringify(src)} → ${JSON.stringify(res.json)}`).toBe(400);
      const issue = (res.json.issues as Array<{ path: string; message: string }>).find((i) => i.path === field);
      expect(issue, `${JSON.stringify(src)} → ${JSON.stringify(res.json)}`).toBeDefined();
      expect(issue!.message).toMatch(message);
    }
    expect((await api(stack, 'GET', '/jobs')).json.items).toEqual([]);
    expect(await countQueueKeys(`${stack.prefix}:partitions-sql-extract`)).toBe(queueKeys); // no message, no job id taken
    expect(await stack.store.list(stack.container, '').catch(() => [])).toEqual([]);
    expect((await source.sql(`select count(*)::int as n from ${s}.t`)).rows[0].n).toBe(1); // the table is untouched
    expect((await source.sql(`select is_called from ${s}.seq`)).rows[0].is_called).toBe(false);
  });

  it('a count that does not match the rows written fails the job', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(`create table ${s}.t (id int primary key); insert into ${s}.t select generate_series(1, 500);`);
    await stack.pauseWorkers();
    const id = await stack.submit({
      kind: 'sql-extract',
      source: { table: `${s}.t` },
      chunks: { count: 2 },
      output: { container: stack.container },
      dataset: { name: `count-${s}` },
    });
    let job = await stack.getJob(id);
    while (job.extract?.completeness.sourceRows === null) {
      await new Promise((r) => setTimeout(r, 50));
      job = await stack.getJob(id);
    }
    expect(job.extract?.completeness.sourceRows).toBe(500);
    await stack.master.catalog.jobs.mergeDetails(id, { sourceRows: 501 }); // as if a chunk had lost a row
    await stack.resumeWorkers();
    job = await stack.waitForJob(id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({
      code: 'PARTITA_ERR_INCOMPLETE',
      message: 'completeness check failed: 500 rows written, but the snapshot holds 501 rows',
    });
    expect(job.extract?.completeness).toEqual({ sourceRows: 501, rowsWritten: 500, complete: false });
    expect((await api(stack, 'GET', `/datasets/count-${s}`)).status).toBe(404);
  });

  it('when the master holding the snapshot stops, chunks read their own snapshot and the status says so', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(`create table ${s}.t (id int primary key, v text); insert into ${s}.t select g, 'x' from generate_series(1, 1000) g;`);
    await stack.pauseWorkers();
    const id = await stack.submit({
      kind: 'sql-extract',
      source: { table: `${s}.t` },
      chunks: { count: 3 },
      output: { container: stack.container },
      dataset: { name: `lost-${s}` },
    });
    await stack.restartMaster(); // the snapshot's transaction ends with the old master
    await stack.resumeWorkers();
    const job = await stack.waitForJob(id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.extract?.snapshot).toMatchObject({ mode: 'per-chunk', ownSnapshotChunks: [0, 1, 2] });
    expect(job.extract?.snapshot.note).toMatch(/snapshot of its own|read its own/);
    expect(job.extract?.completeness.rowsWritten).toBe(1000);
    const { manifest } = await readJobResult(stack, job);
    expect(manifest.source?.snapshot.mode).toBe('per-chunk');
  });
});
