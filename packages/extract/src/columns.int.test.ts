import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeColumns, planColumns } from './columns.js';
import { UnmappedTypeError } from './type-map.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('describeColumns and planColumns (real PostgreSQL, own schema)', () => {
  const schema = `t_xcol_${randomUUID().slice(0, 8)}`;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  let citext = false;

  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.query(`set search_path = "${schema}"`);
    // citext where the server has it, installed into this schema only (dropped with it).
    try {
      await client.query(`create extension citext schema "${schema}"`);
      citext = true;
    } catch {
      citext = false;
    }
    await client.query(`create type mood as enum ('sad', 'ok', 'happy')`);
    await client.query(`create domain price as numeric(12,2) not null`);
    await client.query(`create domain small_price as price check (value < 100)`);
    await client.query(`create domain spans as interval`);
    await client.query(`
      create table every (
        i2 smallint not null, i4 integer, i8 bigint, o oid,
        n numeric(38,10), nu numeric, f4 real, f8 double precision,
        d date, ts timestamp(6), tz timestamptz,
        b boolean, t text, vc varchar(10), ch char(5), nm name, u uuid, j json, jb jsonb, by bytea,
        m mood, p price, sp small_price
        ${citext ? ', ci citext' : ''}
      )`);
    await client.query(`create table odd ("Mixed Case" int, "quo""te" text, arr int[], iv interval, mo money, pt point, s spans)`);
    await client.query(`create table "We""ird.Name" (x int)`);
  });

  afterAll(async () => {
    await client.query(`drop schema "${schema}" cascade`);
    await client.end();
  });

  const table = (name: string) => `${schema}.${name}`;

  it('describes every mapped type from the catalog and plans it', async () => {
    const described = await describeColumns(client, { table: table('every') });
    expect(described.slice(0, 3)).toEqual([
      { name: 'i2', typeName: 'int2', typmod: -1, nullable: false, typtype: 'b' },
      { name: 'i4', typeName: 'int4', typmod: -1, nullable: true, typtype: 'b' },
      { name: 'i8', typeName: 'int8', typmod: -1, nullable: true, typtype: 'b' },
    ]);
    expect(described.find((c) => c.name === 'sp')).toMatchObject({
      typeName: 'small_price',
      typtype: 'd',
      baseTypeName: 'numeric',
      nullable: false,
    });
    const plans = planColumns(described);
    const summary = Object.fromEntries(
      plans.map((p) => [p.name, [p.parquet, p.precision, p.scale, p.adjustedToUTC, p.nullable].filter((x) => x !== undefined).join(' ')]),
    );
    expect(summary).toEqual({
      i2: 'INT32 false',
      i4: 'INT32 true',
      i8: 'INT64 true',
      o: 'INT64 true',
      n: 'DECIMAL 38 10 true',
      nu: 'UTF8 true',
      f4: 'FLOAT true',
      f8: 'DOUBLE true',
      d: 'DATE true',
      ts: 'TIMESTAMP_MICROS false true',
      tz: 'TIMESTAMP_MICROS true true',
      b: 'BOOLEAN true',
      t: 'UTF8 true',
      vc: 'UTF8 true',
      ch: 'UTF8 true',
      nm: 'UTF8 true',
      u: 'UTF8 true',
      j: 'UTF8 true',
      jb: 'UTF8 true',
      by: 'BINARY true',
      m: 'UTF8 true',
      p: 'DECIMAL 12 2 false',
      sp: 'DECIMAL 12 2 false',
      ...(citext ? { ci: 'UTF8 true' } : {}),
    });
    // Domains are read as their base type, enums and unconstrained numeric as text.
    expect(Object.fromEntries(plans.filter((p) => p.select !== `"${p.name}"`).map((p) => [p.name, `${p.wire} ${p.select}`]))).toEqual({
      nu: 'text "nu"::text',
      m: 'text "m"::text',
      p: 'numeric-decimal "p"::numeric',
      sp: 'numeric-decimal "sp"::numeric',
      ...(citext ? { ci: 'text "ci"::text' } : {}),
    });
  });

  it('numericAs: double for the extract, overridable per column', async () => {
    const described = await describeColumns(client, { table: table('every'), columns: ['n', 'nu', 'p'] });
    expect(planColumns(described, { numericAs: 'double' }).map((p) => p.parquet)).toEqual(['DOUBLE', 'DOUBLE', 'DOUBLE']);
    expect(planColumns(described, { numericAs: 'double', columns: { n: { numericAs: 'decimal' } } }).map((p) => p.parquet)).toEqual([
      'DECIMAL',
      'DOUBLE',
      'DOUBLE',
    ]);
    expect(planColumns(described, { columns: { nu: { numericAs: 'double' } } }).map((p) => p.parquet)).toEqual([
      'DECIMAL',
      'DOUBLE',
      'DECIMAL',
    ]);
  });

  it('selects the named columns in the given order; quotes names', async () => {
    const described = await describeColumns(client, { table: table('odd'), columns: ['quo"te', 'Mixed Case'] });
    expect(described.map((c) => [c.name, c.typeName])).toEqual([
      ['quo"te', 'text'],
      ['Mixed Case', 'int4'],
    ]);
    expect((await describeColumns(client, { table: table('"We""ird.Name"') })).map((c) => c.name)).toEqual(['x']);
  });

  it('fails clearly on a missing table or column', async () => {
    await expect(describeColumns(client, { table: table('nope') })).rejects.toThrow(`table ${schema}.nope does not exist`);
    await expect(describeColumns(client, { table: 'no_schema_x.every' })).rejects.toThrow('table no_schema_x.every does not exist');
    await expect(describeColumns(client, { table: table('every'), columns: ['i4', 'ghost'] })).rejects.toThrow(
      `column "ghost" does not exist in table ${schema}.every`,
    );
    await expect(describeColumns(client, { table: table('every'), columns: ['I4'] })).rejects.toThrow(/column "I4"/);
  });

  it('refuses arrays, interval, money, point and domains over them, naming the column', async () => {
    const described = await describeColumns(client, { table: table('odd') });
    const messages = described.slice(2).map((c) => {
      try {
        planColumns([c]);
        return 'mapped';
      } catch (error) {
        expect(error).toBeInstanceOf(UnmappedTypeError);
        return (error as Error).message;
      }
    });
    expect(messages).toEqual([
      'column "arr" has type int4[], which has no Parquet mapping',
      'column "iv" has type interval, which has no Parquet mapping',
      'column "mo" has type money, which has no Parquet mapping',
      'column "pt" has type point, which has no Parquet mapping',
      'column "s" has type spans (a domain over interval), which has no Parquet mapping',
    ]);
    // The first unmapped column stops the whole plan.
    expect(() => planColumns(described)).toThrow('column "arr" has type int4[]');
  });

  it('describes a query without running it, read-only, then leaves no transaction open', async () => {
    await client.query(`insert into every (i2, p, sp) values (0, 1, 1)`);
    const described = await describeColumns(client, {
      query: `select i8, n, ts + interval '1 day' as later, m, p, 1 / i2 as boom from ${schema}.every -- trailing comment`,
    });
    expect(described).toEqual([
      { name: 'i8', typeName: 'int8', typmod: -1, nullable: true, typtype: 'b' },
      { name: 'n', typeName: 'numeric', typmod: (38 << 16) + 10 + 4, nullable: true, typtype: 'b' },
      { name: 'later', typeName: 'timestamp', typmod: -1, nullable: true, typtype: 'b' },
      { name: 'm', typeName: 'mood', typmod: -1, nullable: true, typtype: 'e' },
      // Query results carry a domain's base type, not the domain.
      { name: 'p', typeName: 'numeric', typmod: (12 << 16) + 2 + 4, nullable: true, typtype: 'b' },
      { name: 'boom', typeName: 'int4', typmod: -1, nullable: true, typtype: 'b' },
    ]);
    expect(planColumns(described).map((p) => p.parquet)).toEqual(['INT64', 'DECIMAL', 'TIMESTAMP_MICROS', 'UTF8', 'DECIMAL', 'INT32']);
    await expect(describeColumns(client, { query: `select * from ${schema}.missing` })).rejects.toThrow(/does not exist/);
    const { rows } = await client.query<{ ro: string }>("select current_setting('transaction_read_only') as ro");
    expect(rows[0]!.ro).toBe('off');
    await expect(describeColumns(client, { query: `select i4, i4 from ${schema}.every` }).then(planColumns)).rejects.toThrow(
      'column "i4" appears twice',
    );
  });
});
