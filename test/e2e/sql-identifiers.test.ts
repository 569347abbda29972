import { beforeEach, describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral } from '@partita/contracts';
import { countQueueKeys } from '../support/isolation.js';
import { readJobResult } from '../support/results.js';
import { useSourceSchema, type SourceSchema } from '../support/source-schema.js';
import { useStack, type TestStack } from '../support/stack.js';

/**
 * Hostile SQL identifiers and statements in extract specs. Every name below is either extracted exactly (the rows
 * read back from the Parquet files in Azurite equal the table's) or refused with a 400 naming the field; it is never
 * run as SQL. A source that writes is refused before anything is enqueued, and the table stays as it was.
 */

/** Column names with a double quote, a single quote, a semicolon, a space, a dot, unicode, a keyword, mixed case. */
const PK = 'Ümlaut "x"; drop table y';
const COLUMNS = [PK, "it's", 'semi;colon', 'sp ace', 'dot.ted', 'ünï 日本 😀', '"quoted"', 'select', 'MiXed'] as const;
const ROWS = 40;
/**
 * Tables named like the columns: a spec's table name is `identifier` or `schema.identifier` (letters, digits, `_`),
 * always quoted when used. So a keyword or mixed case is extracted exactly; any other character is refused.
 */
const TABLES: ReadonlyArray<[string, 'extracted' | 'refused']> = COLUMNS.map((name) => [
  name,
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? 'extracted' : 'refused',
]);

type Row = Record<string, unknown>;

/** A schema of the source database for one test, with the hostile table and the objects a write would change. */
function useHostileSource(): SourceSchema {
  const source = useSourceSchema();
  beforeEach(async () => {
    const s = source.schema;
    const [pk, quote, semi, space, dot, uni, quoted, keyword, mixed] = COLUMNS.map(quoteIdent);
    await source.sql(`
      create table ${s}.hostile (${pk} int primary key, ${quote} text, ${semi} int unique, ${space} text, ${dot} int,
                                 ${uni} text, ${quoted} text, ${keyword} int, ${mixed} text);
      insert into ${s}.hostile
      select g, 'it''s ' || g, 1000 - g, case when g % 5 = 0 then null else 'a b ' || g end, g * 7,
             'ünï 日本 😀 ' || g, '"' || g || '"', g % 3, 'MiXed' || g
        from generate_series(1, ${ROWS}) g;
      create table ${s}.y (id int);
      insert into ${s}.y values (1);
      create table ${s}.t (id int primary key, v text);
      insert into ${s}.t select g, 'v' || g from generate_series(1, 20) g;
      create sequence ${s}.seq;
      create function ${s}.w() returns int volatile language sql as 'insert into ${s}.t values (1000, ''w'') returning 1';
      create function ${s}.sf() returns text stable language sql as $$ select set_config('search_path', 'pg_catalog', false) $$;
      create view ${s}.wv as select id, ${s}.w() as w from ${s}.t;
      create function ${s}.w_eq(int, int) returns boolean volatile language sql as
        'insert into ${s}.t values (2000 + $1, ''op'') on conflict do nothing returning $1 = $2';
      create operator ${s}.=== (leftarg = int, rightarg = int, function = ${s}.w_eq);
    `);
    for (const [name] of TABLES) {
      await source.sql(`create table ${s}.${quoteIdent(name)} (id int primary key, v text);
        insert into ${s}.${quoteIdent(name)} select g, ${quoteLiteral(name)} || g from generate_series(1, 5) g`);
    }
  });
  return source;
}

/** A value as a comparable string: PostgreSQL's and the Parquet reader's forms of one value compare equal. */
// eslint-disable-next-line @typescript-eslint/no-base-to-string -- row values are strings, numbers, bigints and booleans
const canonical = (value: unknown): string => (value === null || value === undefined ? 'NULL' : String(value));

function expectSameRows(actual: Row[], expected: Row[], key: string): void {
  const sort = (rows: Row[]) => [...rows].sort((a, b) => canonical(a[key]).localeCompare(canonical(b[key])));
  const form = (rows: Row[]) => sort(rows).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, canonical(v)])));
  expect(form(actual)).toEqual(form(expected));
}

async function post(stack: TestStack, spec: unknown): Promise<{ status: number; json: any }> {
  const res = await stack.master.app.inject({
    method: 'POST',
    url: '/jobs',
    payload: JSON.stringify(spec),
    headers: { 'content-type': 'application/json' },
  });
  return { status: res.statusCode, json: res.json() };
}

describe('sql-extract: hostile identifiers are extracted exactly or refused, never run as SQL; sources that write are refused', () => {
  // The source schema first: its afterEach then runs after the stack's, which releases the snapshots first.
  const source = useHostileSource();
  const ctx = useStack({ workers: 2, workerMode: 'in-process' });
  const base = (stack: TestStack, name: string) => ({
    kind: 'sql-extract',
    output: { container: stack.container, prefix: 'ids' },
    dataset: { name },
  });

  async function extract(stack: TestStack, spec: Record<string, unknown>): Promise<Row[]> {
    const res = await post(stack, spec);
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const job = await stack.waitForJob(res.json.id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.extract?.completeness.complete).toBe(true);
    return (await readJobResult(stack, job, { exact: true })).rows;
  }

  it('column names with quotes, semicolons, spaces, dots and unicode are extracted exactly, also as the key chunks range over', async () => {
    const { stack } = ctx;
    const s = source.schema;
    const everything = (await source.sql(`select * from ${s}.hostile`)).rows as Row[];
    expect(Object.keys(everything[0]!)).toEqual([...COLUMNS]);

    // Every column (the primary key, named like a statement, is the key the chunks range over: 4 chunks of it).
    const all = await extract(stack, { ...base(stack, 'all'), source: { table: `${s}.hostile` }, chunks: { count: 4 } });
    expect(Object.keys(all[0]!)).toEqual([...COLUMNS]);
    expectSameRows(all, everything, PK);

    // Columns named in the spec (every one without a double quote, which a spec's column name cannot hold), split on
    // another hostile column, filtered by a condition that names hostile columns.
    const named = COLUMNS.filter((c) => !c.includes('"'));
    const some = await extract(stack, {
      ...base(stack, 'named'),
      source: { table: `${s}.hostile`, columns: named, key: 'semi;colon', where: `"dot.ted" > 7 and "it's" like 'it''s %'` },
      chunks: { count: 3 },
    });
    expect(Object.keys(some[0]!)).toEqual(named);
    const expected = (await source.sql(`select ${named.map(quoteIdent).join(', ')} from ${s}.hostile where "dot.ted" > 7`)).rows as Row[];
    expect(expected).toHaveLength(ROWS - 1);
    expectSameRows(some, expected, 'semi;colon');

    // A query whose result columns have hostile names, split on one of them.
    const alias = "sp ace.dot;semi'quote Ü";
    const query = await extract(stack, {
      ...base(stack, 'query'),
      source: { query: `select "semi;colon" as ${quoteIdent(alias)}, ${quoteIdent(PK)} as "a ""b""" from ${s}.hostile`, key: alias },
      chunks: { rowsPerChunk: 15 },
    });
    expect(Object.keys(query[0]!)).toEqual([alias, 'a "b"']);
    expectSameRows(
      query,
      (await source.sql(`select "semi;colon" as "${alias}", ${quoteIdent(PK)} as "a ""b""" from ${s}.hostile`)).rows,
      alias,
    );

    // Table names that are identifiers, however unusual (a keyword, mixed case), are extracted exactly.
    for (const [name, verdict] of TABLES) {
      if (verdict !== 'extracted') continue;
      const rows = await extract(stack, { ...base(stack, `t-${name}`), source: { table: `${s}.${name}` }, chunks: { count: 2 } });
      expectSameRows(rows, (await source.sql(`select * from ${s}.${quoteIdent(name)}`)).rows, 'id');
    }
    expect(TABLES.filter(([, v]) => v === 'extracted').map(([n]) => n)).toEqual(['select', 'MiXed']);
    // Every name, however hostile, as a user names it: double-quoted after its schema, or with the schema apart.
    for (const [i, [name]] of TABLES.entries()) {
      const expected = (await source.sql(`select * from ${s}.${quoteIdent(name)}`)).rows;
      const quoted = await extract(stack, { ...base(stack, `quoted-${i}`), source: { table: `${s}.${quoteIdent(name)}` } });
      expectSameRows(quoted, expected, 'id');
      const apart = await extract(stack, { ...base(stack, `apart-${i}`), source: { schema: s, table: name } });
      expectSameRows(apart, expected, 'id');
    }

    expect((await source.sql(`select count(*)::int as n from ${s}.y`)).rows[0].n).toBe(1); // "drop table y" never ran
  });

  it('names a spec cannot hold are refused with a 400 naming the field, before anything is read or enqueued', async () => {
    const { stack } = ctx;
    const s = source.schema;
    const queueKeys = await countQueueKeys(stack.prefix);
    // Bare table names: an identifier or schema.identifier (letters, digits, _, $), for extracts and travel inputs alike;
    // other names need double quotes or the schema apart.
    const cases: Array<[string, Record<string, unknown>, string]> = TABLES.filter(([, v]) => v === 'refused').map(([name]) => [
      `table ${JSON.stringify(name)}`,
      { ...base(stack, 'bad'), source: { table: `${s}.${name}` } },
      'source.table',
    ]);
    expect(cases).toHaveLength(7);
    cases.push(
      ['an unclosed quoted table name', { ...base(stack, 'bad'), source: { table: `${s}."hostile` } }, 'source.table'],
      ['a three-part name', { ...base(stack, 'bad'), source: { table: `${s}.hostile.x` } }, 'source.table'],
      [
        'a travel input table',
        { kind: 'travel-plan', input: { postgres: { travellers: `${s}.${PK}`, flights: `${s}.t` } } },
        'input.postgres.travellers',
      ],
      // Column names with a double quote, in `columns`, `key` and `casts`.
      [
        'a column with a double quote',
        { ...base(stack, 'bad'), source: { table: `${s}.hostile`, columns: ["it's", PK] } },
        'source.columns[1]',
      ],
      ['a key with a double quote', { ...base(stack, 'bad'), source: { table: `${s}.hostile`, key: PK } }, 'source.key'],
      [
        'a cast of a column with a double quote',
        { ...base(stack, 'bad'), source: { table: `${s}.hostile` }, casts: { columns: { [PK]: { numericAs: 'double' } } } },
        'casts.columns',
      ],
      // Names the schema lets through, but the table does not have: refused by planning, named.
      [
        'a column that does not exist',
        { ...base(stack, 'bad'), source: { table: `${s}.hostile`, columns: ['sp ace; drop table y'] } },
        'source.columns',
      ],
      [
        'a key that does not exist',
        { ...base(stack, 'bad'), source: { table: `${s}.hostile`, key: "x'; drop table y; --" } },
        'source.key',
      ],
    );
    for (const [name, spec, field] of cases) {
      const res = await post(stack, spec);
      expect(res.status, `${name}: ${JSON.stringify(res.json)}`).toBe(400);
      const paths = (res.json.issues as { path: string }[]).map((i) => i.path);
      expect(
        paths.some((p) => p === field || p.startsWith(`${field}.`)),
        `${name}: ${JSON.stringify(res.json)}`,
      ).toBe(true);
      // A table name the schema refuses says which forms are accepted, and that a query reads anything else.
      if (name === 'a three-part name' || name === 'an unclosed quoted table name' || name === 'table "sp ace"') {
        expect(JSON.stringify(res.json), name).toMatch(/h2\.\\"Order Items\\".*a `query` reads anything else/);
      }
    }
    expect((await stack.master.app.inject({ method: 'GET', url: '/jobs' })).json().items).toEqual([]);
    expect(await countQueueKeys(stack.prefix)).toBe(queueKeys);
    expect((await source.sql(`select count(*)::int as n from ${s}.y`)).rows[0].n).toBe(1);
    for (const [name] of TABLES) expect((await source.sql(`select count(*)::int as n from ${s}.${quoteIdent(name)}`)).rows[0].n).toBe(5);
  });

  it('a source that writes is refused with a 400 before anything is enqueued, and the table is unchanged', async () => {
    const { stack } = ctx;
    const s = source.schema;
    const snapshot = async () => ({
      t: (await source.sql(`select string_agg(id || ':' || v, ',' order by id) as t from ${s}.t`)).rows[0].t as string,
      seq: (await source.sql(`select last_value, is_called from ${s}.seq`)).rows[0],
    });
    const before = await snapshot();
    const queueKeys = await countQueueKeys(stack.prefix);
    // Which layer refuses each one: the schema, or planning (on the master, before anything is recorded or enqueued).
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      // Schema, by PostgreSQL's parser: a query is one SELECT statement, `;` only at its end.
      ['several statements', { query: `select id from ${s}.t; delete from ${s}.t`, key: 'id' }, 'source.query', /holds 2 statements/],
      [
        'a statement after a comment',
        { query: `select id from ${s}.t /* x */; delete from ${s}.t`, key: 'id' },
        'source.query',
        /holds 2 statements/,
      ],
      [
        'a data-modifying CTE',
        { query: `with d as (delete from ${s}.t returning *) select * from d`, key: 'id' },
        'source.query',
        /must only read, but it writes \(DELETE\)/,
      ],
      ['select … for update', { query: `select id from ${s}.t for update`, key: 'id' }, 'source.query', /must only read.*FOR UPDATE/],
      // Planning, by the check of the functions the parse tree calls (VOLATILE or PARALLEL UNSAFE).
      ['nextval', { query: `select id, nextval('${s}.seq') as n from ${s}.t`, key: 'id' }, 'source.query', /must only read.*nextval\(\)/],
      [
        'set_config',
        { query: `select id, set_config('search_path', 'pg_catalog', false) as c from ${s}.t`, key: 'id' },
        'source.query',
        /set_config\(\)/,
      ],
      ['a function that writes', { query: `select ${s}.w() as id`, key: 'id' }, 'source.query', /must only read.*\.?w\(\)/],
      ['a STABLE function that changes a setting', { query: `select id, ${s}.sf() as c from ${s}.t`, key: 'id' }, 'source.query', /sf\(\)/],
      // A view's body is not in the parse tree: counting its rows runs the function, and the read-only transaction (and
      // the reader role, which may not write) refuse the write.
      [
        'a view over a function that writes',
        { query: `select id from ${s}.wv`, key: 'id' },
        'source.query',
        /read-only transaction|permission denied/,
      ],
      [
        'advisory locks',
        { query: `select id from ${s}.t where pg_try_advisory_lock(id)`, key: 'id' },
        'source.query',
        /pg_try_advisory_lock\(\)/,
      ],
      ['a where that calls a function that writes', { table: `${s}.t`, where: `${s}.w() = 1` }, 'source.where', /w\(\)/],
      [
        'a where that locks rows',
        { table: `${s}.t`, where: `id in (select id from ${s}.t for update)` },
        'source.where',
        /FOR UPDATE|must only read/,
      ],
      // Planning, by the read-only snapshot transaction: an operator's function is not named in the plan, but counting
      // the rows runs it, and PostgreSQL refuses the write.
      [
        'an operator whose function writes',
        { query: `select id from ${s}.t where id operator(${s}.===) 3`, key: 'id' },
        'source.query',
        /read-only transaction/,
      ],
    ];
    for (const [name, src, field, message] of cases) {
      const res = await post(stack, { ...base(stack, 'w'), source: src });
      expect(res.status, `${name}: ${JSON.stringify(res.json)}`).toBe(400);
      const issue = (res.json.issues as { path: string; message: string }[]).find((i) => i.path === field);
      expect(issue, `${name}: ${JSON.stringify(res.json)}`).toBeDefined();
      expect(issue!.message, name).toMatch(message);
      expect(await snapshot(), name).toEqual(before);
    }
    expect((await stack.master.app.inject({ method: 'GET', url: '/jobs' })).json().items).toEqual([]);
    expect(await countQueueKeys(stack.prefix)).toBe(queueKeys);
    expect(await stack.store.list(stack.container, '').catch(() => [])).toEqual([]);
  });

  it('a write planning cannot see fails the job at run time in the read-only transaction, with a permanent error; the table is unchanged', async () => {
    const { stack } = ctx;
    const s = source.schema;
    const before = (await source.sql(`select count(*)::int as n from ${s}.t`)).rows[0].n as number;
    // The operator runs only outside the master's planning session: planning counts the rows without calling it.
    const res = await post(stack, {
      ...base(stack, 'late'),
      source: {
        query: `select id from ${s}.t where current_setting('application_name') <> 'partita-master-snapshot' and id operator(${s}.===) 3`,
        key: 'id',
      },
      chunks: { count: 1 },
      retry: { attempts: 3, backoffMs: 0 },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const job = await stack.waitForJob(res.json.id);
    expect(job.status).toBe('failed');
    expect(job.error?.message).toMatch(/tried to write, but sources are only read.*read-only transaction/);
    expect(job.partitions[0]?.attempts).toBe(1); // permanent: not retried
    expect((await source.sql(`select count(*)::int as n from ${s}.t`)).rows[0].n).toBe(before);
  });
});
