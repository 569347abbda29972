import { randomUUID } from 'node:crypto';
import type { ColumnBuffer, ParquetColumn, ParquetStreamWriter } from '@partita/parquet';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferPhysical } from './binary-decoders.js';
import { describeColumns, planColumns } from './columns.js';
import { CopyDecoder } from './copy-decoder.js';
import { planColumn, toParquetColumns, type ColumnPlan } from './type-map.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every value as PostgreSQL's text output. */
const RAW_TEXT = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

/** What a recording buffer keeps of each value: INT64 and fixed decimals as bigint, byte arrays as Buffers. */
type Recorded = number | bigint | boolean | Buffer | null;

/** A column buffer that records what it is given, and refuses values while a flush is due. */
class RecordingBuffer {
  readonly values: Recorded[] = [];
  constructor(
    readonly column: ParquetColumn,
    readonly physical: ColumnBuffer['physical'],
    private readonly writer: RecordingWriter,
  ) {}
  get length(): number {
    return this.values.length;
  }
  private add(value: Recorded): void {
    if (this.writer.flushDue) throw new Error(`${this.column.name}: a value appended before the due flush`);
    this.values.push(value);
  }
  appendNull(): void {
    this.add(null);
  }
  append(value: number | boolean): void {
    this.add(value);
  }
  appendHiLo(hi: number, lo: number): void {
    expect(Number.isInteger(hi) && hi >= -(2 ** 31) && hi < 2 ** 31 && Number.isInteger(lo) && lo >= 0 && lo < 2 ** 32).toBe(true);
    this.add((BigInt(hi) << 32n) + BigInt(lo));
  }
  appendNumber(value: number): void {
    expect(Number.isSafeInteger(value)).toBe(true);
    this.add(BigInt(value));
  }
  appendBigInt(value: bigint): void {
    this.add(value);
  }
  appendBytes(source: Uint8Array, start: number, end: number): void {
    this.add(Buffer.from(source.subarray(start, end)));
  }
  appendString(value: string): void {
    this.add(Buffer.from(value));
  }
}

/** A ParquetStreamWriter that records the values per column; a row group every `rowGroupRows` rows, flushed asynchronously. */
class RecordingWriter implements ParquetStreamWriter {
  readonly columns: readonly ParquetColumn[];
  readonly recorders: RecordingBuffer[];
  rows = 0;
  bytesWritten = 0;
  flushes = 0;
  flushDue = false;
  constructor(
    plans: readonly ColumnPlan[],
    private readonly rowGroupRows = 3,
  ) {
    this.columns = toParquetColumns(plans);
    this.recorders = plans.map((p, i) => new RecordingBuffer(this.columns[i]!, bufferPhysical(p), this));
  }
  get buffers(): readonly ColumnBuffer[] {
    return this.recorders;
  }
  endRow(): boolean {
    this.rows++;
    for (const r of this.recorders)
      if (r.length !== this.rows) throw new Error(`${r.column.name} has ${r.length} values after ${this.rows} rows`);
    this.flushDue = this.rows % this.rowGroupRows === 0;
    return this.flushDue;
  }
  async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.flushes++;
    this.flushDue = false;
  }
  async close(): Promise<{ rows: number; bytes: number }> {
    return { rows: this.rows, bytes: 0 };
  }
  /** Column name → recorded values. */
  byName(): Record<string, Recorded[]> {
    return Object.fromEntries(this.recorders.map((r) => [r.column.name, r.values]));
  }
}

/** The bytes of `COPY (<sql>) TO STDOUT (FORMAT binary)`. */
async function copyBytes(client: pg.ClientBase, sql: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of client.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT binary)`)) as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Decodes `bytes` pushed in the given pieces into a fresh recording writer. */
async function decode(plans: readonly ColumnPlan[], pieces: Buffer[], rowGroupRows = 3): Promise<RecordingWriter> {
  const writer = new RecordingWriter(plans, rowGroupRows);
  const decoder = new CopyDecoder(plans, writer);
  for (const piece of pieces) await decoder.push(piece);
  decoder.end();
  expect(decoder.rows).toBe(writer.rows);
  return writer;
}

const selectList = (plans: readonly ColumnPlan[]) => plans.map((p) => p.select).join(', ');
const text = (v: Recorded) => (v === null ? null : (v as Buffer).toString('utf8'));

describe('binary COPY decoding against values computed by PostgreSQL (real PostgreSQL, own schema)', () => {
  const schema = `t_xcopy_${randomUUID().slice(0, 8)}`;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  let citext = false;
  let plans: ColumnPlan[];
  let bytes: Buffer;
  let expected: Array<Record<string, string | null>>;
  let decoded: Record<string, Recorded[]>;

  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.query(`set search_path = "${schema}"`);
    // Not UTC: timestamptz must still come out as UTC instants, timestamp as its wall clock.
    await client.query(`set time zone 'America/New_York'`);
    try {
      await client.query(`create extension citext schema "${schema}"`);
      citext = true;
    } catch {
      citext = false;
    }
    await client.query(`create type mood as enum ('sad', 'ok', 'happy')`);
    await client.query(`create domain big_id as int8`);
    await client.query(`
      create table edge (
        k int primary key,
        i2 smallint, i4 integer, i8 bigint, o oid,
        f4 real, f8 double precision, b boolean,
        d date, ts timestamp, tz timestamptz,
        n52 numeric(5,2), n94 numeric(9,4), n184 numeric(18,4), n3810 numeric(38,10), n6020 numeric(60,20), nu numeric,
        u uuid, j json, jb jsonb, by bytea, t text, vc varchar(10), ch char(5), nm name, m mood, di big_id
        ${citext ? ', ci citext' : ''}
      )`);
    // Row 1: NULL everywhere. Rows 2-3: minimums and maximums. Then zeros, signs and the odd corners.
    await client.query(`
      insert into edge (k) values (1);
      insert into edge values
        (2, -32768, -2147483648, -9223372036854775808, 0,
         '-Infinity', 'NaN', false,
         '0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00',
         -999.99, -99999.9999, -99999999999999.9999, '-9999999999999999999999999999.9999999999',
         '-1234567890123456789012345678901234567890.12345678901234567890', '-123456789012345678901234567890.123456789012345',
         '00000000-0000-0000-0000-000000000000', '{}', '{}', '', '', '', 'a', '', 'sad', -9223372036854775808
         ${citext ? ", 'MiXeD'" : ''}),
        (3, 32767, 2147483647, 9223372036854775807, 4294967295,
         'Infinity', '-Infinity', true,
         '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00',
         999.99, 99999.9999, 99999999999999.9999, '9999999999999999999999999999.9999999999',
         '9999999999999999999999999999999999999999.99999999999999999999', '1e-20',
         'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"k": ["ü", 1.50, null]}', '{"k": ["ü", 1.50, null]}',
         '\\x000102ff0000', 'héllo 🎉 世界 ∑', 'ünïcødé', 'abcde', 'a_name', 'happy', 9223372036854775807
         ${citext ? ", 'ÄÖ'" : ''}),
        (4, 0, 0, 0, 1,
         '1.4e-45', '-0', true,
         '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00',
         0, 0, 0, 0, 0, 0,
         'ffffffff-ffff-ffff-ffff-ffffffffffff', '[]', '[]', '\\x00', e'tab\\there\\nnew \\\\ "q" ''s''', ' x ', ' x', 'x', 'ok', 0
         ${citext ? ", ''" : ''}),
        (5, -1, -1, -1, 42,
         '3.4028235e38', '4.9e-324', false,
         '1969-12-31', '1900-01-01 00:00:00.000001', '1900-01-01 00:00:00.000001+00',
         -0.01, -0.0001, -0.0001, -0.0000000001, -0.00000000000000000001, -0.01,
         '123e4567-e89b-12d3-a456-426614174000', '"s"', '"s"', '\\xdeadbeef', ' ', 'x', 'xyz  ', 'nm', 'sad', -1
         ${citext ? ", 'x'" : ''}),
        (6, 1, 1, 1, 2147483648,
         '1.17549435e-38', '2.2250738585072014e-308', true,
         '2000-02-29', '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+00',
         1.5, 12345.6789, 1234567890.1234, 1.0000000001, 0.00000000000000000001, 'NaN',
         '00000000-0000-0000-0000-000000000001', '1', '1', '\\x0000', '🎉', '', '', '', 'ok', 1
         ${citext ? ", 'y'" : ''}),
        (7, 2, 2, 4294967296, 3,
         '-1.5', '1.7976931348623157e308', false,
         '0044-03-15 BC', '1969-12-31 23:59:59.999999', '1969-07-20 20:17:40.123456-04',
         -12.3, 1, 900719925474.0993, -12345678901234567890.1234567891, 1e39, '-Infinity',
         '00000000-0000-0000-0000-000000000002', '2', '2', '\\x01', 'x', 'x', 'x', 'x', 'ok', 9007199254740993
         ${citext ? ", 'z'" : ''}),
        (8, 3, 3, -4294967297, 4,
         '1e-40', '1e-310', true,
         '2024-02-29', '2024-03-10 02:30:00', '2024-03-10 07:00:00.5+00',
         0.01, 0.0001, -900719925474.0993, 99999999999999999999.9999999999, -1e39, 'Infinity',
         '00000000-0000-0000-0000-000000000003', '3', '3', '\\x02', 'x', 'x', 'x', 'x', 'ok', -9007199254740993
         ${citext ? ", 'w'" : ''});
      -- A spread of ordinary values.
      insert into edge
        select 100 + g, (g * 7) % 32768, g * 104729 * (1 - 2 * (g % 2)), (g::int8 * 1000000007 * 7919) * (1 - 2 * (g % 2)), g * 12345,
               g / 7.0, (g * 1.1)::float8 ^ (g % 40), g % 3 = 0,
               date '1970-01-01' + (g * 977 - 150000), timestamp '1970-01-01' + (g * 987654321123) * interval '1 microsecond' * (1 - 2 * (g % 2)),
               timestamptz '2000-01-01 00:00:00+00' + (g * 123456789012) * interval '1 microsecond' * (1 - 2 * (g % 3)),
               (g % 99999) / 100.0 * (1 - 2 * (g % 2)), (g * 7919 % 999999999) / 10000.0, (g::int8 * 982451653 * 101) / 10000.0 * (1 - 2 * (g % 2)),
               (g::numeric * 982451653 ^ 3) / 10000000000.0 * (1 - 2 * (g % 2)), (g::numeric ^ 12) / 1e20,
               (g::numeric * 97 ^ (g % 30)) / 10 ^ (g % 40) * (1 - 2 * (g % 2)),
               md5(g::text)::uuid, json_build_object('g', g), jsonb_build_object('g', g, 'h', repeat('ß', g % 5)),
               decode(md5(g::text), 'hex'), repeat('t€xt', g % 7), left(md5(g::text), g % 11), left(md5(g::text), g % 6),
               md5(g::text), (array['sad', 'ok', 'happy'])[1 + g % 3]::mood, g::int8 * 2305843009213693 * (1 - 2 * (g % 2))
               ${citext ? ', md5(g::text)' : ''}
          from generate_series(1, 300) g;
    `);
    plans = planColumns(await describeColumns(client, { table: `${schema}.edge` }));
    bytes = await copyBytes(client, `select ${selectList(plans)} from edge order by k`);
    expected = (
      await client.query<Record<string, string | null>>({
        text: `
          select i2::text, i4::text, i8::text, o::text, f4::text, f8::text, b::text,
                 (d - date '1970-01-01')::text as d,
                 (extract(epoch from ts) * 1000000)::numeric(30,0)::text as ts,
                 (extract(epoch from tz) * 1000000)::numeric(30,0)::text as tz,
                 (n52 * 1e2)::numeric(1000,0)::text as n52, (n94 * 1e4)::numeric(1000,0)::text as n94,
                 (n184 * 1e4)::numeric(1000,0)::text as n184, (n3810 * 1e10)::numeric(1000,0)::text as n3810,
                 (n6020 * 1e20)::numeric(1000,0)::text as n6020, nu::text,
                 u::text, j::text, jb::text, encode(by, 'hex') as by, t, vc::text, case when ch is not null then format('%s', ch) end as ch, nm::text, m::text, di::text
                 ${citext ? ', ci::text' : ''}
            from edge order by k`,
        types: RAW_TEXT,
      })
    ).rows;
    decoded = (await decode(plans, [bytes])).byName();
  });

  afterAll(async () => {
    await client.query(`drop schema "${schema}" cascade`);
    await client.end();
  });

  const column = (name: string) => expected.map((r) => r[name] ?? null);

  it('plans every column as the binary decoder reads it', () => {
    const summary = Object.fromEntries(plans.map((p) => [p.name, `${p.wire} ${p.select}`]));
    expect(summary).toMatchObject({
      k: 'int4 "k"',
      o: 'oid "o"',
      nu: 'text "nu"::text',
      n6020: 'numeric-decimal "n6020"',
      jb: 'jsonb "jb"',
      ch: 'text "ch"',
      m: 'text "m"::text',
      di: 'int8 "di"::int8',
      ...(citext ? { ci: 'text "ci"::text' } : {}),
    });
  });

  it('NULL in every column', () => {
    for (const [name, values] of Object.entries(decoded)) if (name !== 'k') expect(values[0], name).toBeNull();
  });

  it('integers: int2/int4 as INT32 numbers, int8 and oid (unsigned) as INT64', () => {
    expect(decoded['i2']).toEqual(column('i2').map((v) => (v === null ? null : Number(v))));
    expect(decoded['i4']).toEqual(column('i4').map((v) => (v === null ? null : Number(v))));
    expect(decoded['i8']).toEqual(column('i8').map((v) => (v === null ? null : BigInt(v))));
    expect(decoded['o']).toEqual(column('o').map((v) => (v === null ? null : BigInt(v))));
    expect(decoded['di']).toEqual(column('di').map((v) => (v === null ? null : BigInt(v))));
    expect(decoded['i8']!.slice(1, 3)).toEqual([-(2n ** 63n), 2n ** 63n - 1n]);
    expect(decoded['o']![2]).toBe(4294967295n);
  });

  it('floats: NaN, ±Infinity, -0 and denormals kept', () => {
    const f4 = column('f4');
    const f8 = column('f8');
    decoded['f4']!.forEach((v, i) => {
      if (f4[i] === null) expect(v).toBeNull();
      else expect(Object.is(v, Math.fround(Number(f4[i]))), `f4 row ${i}: ${String(v)} vs ${f4[i]}`).toBe(true);
    });
    decoded['f8']!.forEach((v, i) => {
      if (f8[i] === null) expect(v).toBeNull();
      else expect(Object.is(v, Number(f8[i])), `f8 row ${i}: ${String(v)} vs ${f8[i]}`).toBe(true);
    });
    expect(decoded['f4']!.slice(1, 5)).toEqual([-Infinity, Infinity, Math.fround(1.4e-45), Math.fround(3.4028235e38)]);
    expect(decoded['f8']!.slice(1, 5)).toEqual([NaN, -Infinity, -0, 4.9e-324]);
    expect(Object.is(decoded['f8']![3], -0)).toBe(true);
  });

  it('booleans', () => {
    expect(decoded['b']).toEqual(column('b').map((v) => (v === null ? null : v === 'true')));
  });

  it('dates: days since 1970 equal d - date 1970-01-01, BC included', () => {
    expect(decoded['d']).toEqual(column('d').map((v) => (v === null ? null : Number(v))));
    expect(decoded['d']!.slice(1, 5)).toEqual([-719162, 2932896, 0, -1]);
  });

  it('timestamp (wall clock) and timestamptz (UTC, session in New York): µs since 1970 equal extract(epoch) × 10^6', () => {
    expect(decoded['ts']).toEqual(column('ts').map((v) => (v === null ? null : BigInt(v))));
    expect(decoded['tz']).toEqual(column('tz').map((v) => (v === null ? null : BigInt(v))));
    expect(decoded['ts']![2]).toBe(253402300799999999n);
    expect(decoded['ts']![4]).toBe(-2208988799999999n); // 1900-01-01 00:00:00.000001
    expect(decoded['tz']![5]).toBe(946684799999999n); // 1999-12-31 23:59:59.999999 UTC
    expect(decoded['tz']![6]).toBe(-14168539876544n); // 1969-07-20 20:17:40.123456-04
    expect(plans.find((p) => p.name === 'tz')!.adjustedToUTC).toBe(true);
  });

  it('numeric(p,s): DECIMAL unscaled values equal n × 10^s, through every width (INT32, INT64, fixed)', () => {
    for (const name of ['n52', 'n94', 'n184', 'n3810', 'n6020']) {
      const want = column(name).map((v) => (v === null ? null : BigInt(v)));
      expect(
        decoded[name]!.map((v) => (typeof v === 'number' ? BigInt(v) : v)),
        name,
      ).toEqual(want);
    }
    expect(decoded['n52']!.slice(1, 5)).toEqual([-99999, 99999, 0, -1]);
    expect(decoded['n184']![2]).toBe(999999999999999999n);
    expect(decoded['n184']!.slice(6, 8)).toEqual([9007199254740993n, -9007199254740993n]); // beyond 2^53 unscaled
    expect(decoded['n3810']![1]).toBe(-(10n ** 38n - 1n));
    expect(decoded['n6020']![1]).toBe(-123456789012345678901234567890123456789012345678901234567890n);
  });

  it('unconstrained numeric: exact text', () => {
    expect(decoded['nu']!.map(text)).toEqual(column('nu'));
    expect(decoded['nu']!.slice(1, 3).map(text)).toEqual(['-123456789012345678901234567890.123456789012345', '0.00000000000000000001']);
  });

  it('uuid as its canonical text; json as sent; jsonb without its version byte', () => {
    expect(decoded['u']!.map(text)).toEqual(column('u'));
    expect(decoded['j']!.map(text)).toEqual(column('j'));
    expect(decoded['jb']!.map(text)).toEqual(column('jb'));
    expect(text(decoded['u']![3]!)).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff');
  });

  it('bytea raw, empty and with zeros', () => {
    expect(decoded['by']!.map((v) => (v === null ? null : (v as Buffer).toString('hex')))).toEqual(column('by'));
    expect(decoded['by']!.slice(1, 4)).toEqual([Buffer.alloc(0), Buffer.from([0, 1, 2, 0xff, 0, 0]), Buffer.from([0])]);
  });

  it('text, varchar, char(n) with its padding, name, enum label and citext as UTF-8 bytes', () => {
    for (const name of ['t', 'vc', 'ch', 'nm', 'm', ...(citext ? ['ci'] : [])])
      expect(decoded[name]!.map(text), name).toEqual(column(name));
    expect(decoded['t']!.slice(1, 3).map(text)).toEqual(['', 'héllo 🎉 世界 ∑']);
    expect(decoded['ch']!.slice(1, 6).map(text)).toEqual(['a    ', 'abcde', ' x   ', 'xyz  ', '     ']);
  });

  it('numericAs double: the nearest double, as numeric::float8 gives it; NaN and infinities kept', async () => {
    const described = await describeColumns(client, { table: `${schema}.edge`, columns: ['nu', 'n184', 'n6020'] });
    const doubles = planColumns(described, { numericAs: 'double' });
    expect(doubles.map((p) => p.wire)).toEqual(['numeric-double', 'numeric-double', 'numeric-double']);
    const writer = await decode(doubles, [await copyBytes(client, `select ${selectList(doubles)} from edge order by k`)]);
    const { rows } = await client.query<Record<string, string | null>>({
      text: 'select nu::float8::text as nu, n184::float8::text as n184, n6020::float8::text as n6020 from edge order by k',
      types: RAW_TEXT,
    });
    for (const name of ['nu', 'n184', 'n6020']) {
      const got = writer.byName()[name]!;
      rows.forEach((r, i) => expect(Object.is(got[i], r[name] === null ? null : Number(r[name])), `${name} row ${i}`).toBe(true));
    }
  });

  it('random decimals of every precision class equal what PostgreSQL rounds them to', async () => {
    const shapes: Array<[number, number]> = [
      [1, 0],
      [4, 4],
      [9, 2],
      [9, 9],
      [10, 0],
      [15, 5],
      [16, 3],
      [18, 0],
      [18, 18],
      [19, 4],
      [38, 10],
      [60, 20],
      [76, 38],
    ];
    const values: string[] = [];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [p, s] of shapes) {
      for (let i = 0; i < 60; i++) {
        // Up to p - s whole digits and up to s + 3 fractional ones (PostgreSQL rounds those to s).
        const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
        const whole = digits(Math.floor(random() * (p - s + 1))) || '0';
        const fraction = digits(Math.floor(random() * (s + 4))) || '0';
        values.push(`${random() < 0.5 ? '-' : ''}${whole}.${fraction}|${p}|${s}`);
      }
    }
    await client.query('create table decimals (i int, v text, p int, s int)');
    await client.query(
      `insert into decimals select i, split_part(x, '|', 1), split_part(x, '|', 2)::int, split_part(x, '|', 3)::int
         from unnest($1::text[]) with ordinality as u(x, i)`,
      [values],
    );
    for (const [p, s] of shapes) {
      const plan = planColumn({ name: 'v', typeName: `numeric(${p},${s})`, typmod: -1, nullable: true });
      // PostgreSQL rounds to the scale; values too wide for the precision are left out.
      const source = `select round(v::numeric, ${s})::numeric(${p},${s}) as v from decimals
                       where p = ${p} and abs(round(v::numeric, ${s})) < 1e${p - s} order by i`;
      const writer = await decode([plan], [await copyBytes(client, source)]);
      const { rows } = await client.query<{ u: string }>(`select (v * 1e${s})::numeric(1000,0)::text as u from (${source}) x`);
      expect(rows.length).toBeGreaterThan(20);
      const got = writer.byName()['v']!.map((v) => (typeof v === 'number' ? BigInt(v) : v));
      expect(got, `numeric(${p},${s})`).toEqual(rows.map((r) => BigInt(r.u)));
    }
  });

  it('gives the same values whatever the chunk boundaries: split at every byte, and byte by byte', async () => {
    const small = await copyBytes(client, `select ${selectList(plans)} from edge where k < 10 order by k`);
    const whole = (await decode(plans, [small])).byName();
    expect(whole['k']).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let at = 0; at <= small.length; at++) {
      const split = (await decode(plans, [small.subarray(0, at), small.subarray(at)])).byName();
      if (JSON.stringify(split, replacer) !== JSON.stringify(whole, replacer)) expect.fail(`split at ${at} differs`);
    }
    const bytewise = Array.from({ length: small.length }, (_, i) => small.subarray(i, i + 1));
    expect(JSON.stringify((await decode(plans, bytewise, 1)).byName(), replacer)).toBe(JSON.stringify(whole, replacer));
    // The whole table in uneven pieces, with a flush after every other row.
    const pieces: Buffer[] = [];
    for (let at = 0, n = 1; at < bytes.length; at += n, n = (n * 7 + 3) % 997) pieces.push(bytes.subarray(at, at + n));
    expect(JSON.stringify((await decode(plans, pieces, 2)).byName(), replacer)).toBe(JSON.stringify(decoded, replacer));
  });
});

/** JSON for recorded values: bigints, Buffers, NaN, ±0 and infinities spelled out. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return Object.is(value, -0) ? '-0' : String(value);
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer')
    return `hex:${Buffer.from((value as { data: number[] }).data).toString('hex')}`;
  return value;
}

describe('binary COPY decoding errors (real PostgreSQL)', () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  const plan = (name: string, typeName: string) => planColumn({ name, typeName, typmod: -1, nullable: true });
  const decodeSelect = async (plans: ColumnPlan[], sql: string) => decode(plans, [await copyBytes(client, sql)]);

  it('numeric NaN and infinities into a DECIMAL, naming the column', async () => {
    await expect(decodeSelect([plan('amount', 'numeric(10,2)')], `select 'NaN'::numeric(10,2)`)).rejects.toThrow(
      'column "amount": numeric NaN cannot be written to Parquet DECIMAL(10,2)',
    );
    await expect(decodeSelect([plan('amount', 'numeric(30,2)')], `select '-Infinity'::numeric`)).rejects.toThrow(
      'column "amount": numeric -Infinity cannot be written to Parquet DECIMAL(30,2)',
    );
  });

  it('a numeric with zeros beyond the plan’s scale fits (a query column may carry more scale than the plan)', async () => {
    const writer = await decodeSelect([plan('amount', 'numeric(5,2)')], `select 1.500000::numeric union all select -0.1::numeric(30,20)`);
    expect(writer.byName()['amount']).toEqual([150, -10]);
  });

  it('a numeric that does not fit the plan’s DECIMAL(p,s), naming the column and the value', async () => {
    await expect(decodeSelect([plan('amount', 'numeric(5,2)')], `select 1234.5::numeric`)).rejects.toThrow(
      'column "amount": numeric 1234.5 does not fit DECIMAL(5,2)',
    );
    await expect(decodeSelect([plan('amount', 'numeric(12,2)')], `select -0.125::numeric`)).rejects.toThrow(
      'column "amount": numeric -0.125 does not fit DECIMAL(12,2)',
    );
    await expect(decodeSelect([plan('amount', 'numeric(20,2)')], `select 1e30::numeric`)).rejects.toThrow(
      /numeric 1000000000000000000000000000000 does not fit/,
    );
  });

  it('date and timestamp infinities, naming the column', async () => {
    await expect(decodeSelect([plan('born', 'date')], `select 'infinity'::date`)).rejects.toThrow(
      'column "born": date infinity cannot be written to Parquet',
    );
    await expect(decodeSelect([plan('born', 'date')], `select '-infinity'::date`)).rejects.toThrow('column "born": date -infinity cannot');
    await expect(decodeSelect([plan('at', 'timestamptz')], `select '-infinity'::timestamptz`)).rejects.toThrow(
      'column "at": timestamptz -infinity cannot be written to Parquet',
    );
    await expect(decodeSelect([plan('at', 'timestamp')], `select 'infinity'::timestamp`)).rejects.toThrow(
      'column "at": timestamp infinity cannot be written to Parquet',
    );
    await expect(decodeSelect([plan('at', 'timestamp')], `select '294276-12-31 23:59:59'::timestamp`)).rejects.toThrow(
      /column "at": timestamp beyond int64 microseconds since 1970/,
    );
  });

  it('a NULL in a column planned as not nullable', async () => {
    const notNull = planColumn({ name: 'x', typeName: 'int4', typmod: -1, nullable: false });
    await expect(decodeSelect([notNull], `select null::int4`)).rejects.toThrow('column "x": NULL in a column planned as not nullable');
  });

  it('a row of another width, a writer of another shape, a truncated stream, data after the trailer', async () => {
    const two = await copyBytes(client, `select 1::int4, 2::int4`);
    await expect(decode([plan('a', 'int4')], [two])).rejects.toThrow('COPY row 1 has 2 fields, expected 1');
    await expect(decode([plan('a', 'int8')], [await copyBytes(client, 'select 1::int4')])).rejects.toThrow(
      'column "a": a int8 field of 4 bytes (expected 8)',
    );
    const plans = [plan('a', 'int4'), plan('b', 'int4')];
    expect(() => new CopyDecoder(plans, new RecordingWriter([plans[0]!]))).toThrow('the writer has 1 columns, the plan 2');
    expect(() => new CopyDecoder([plan('a', 'int8')], new RecordingWriter([plan('a', 'int4')]))).toThrow(
      `column "a": the writer's buffer is INT32, the plan (INT64) needs INT64`,
    );
    await expect(decode(plans, [two.subarray(0, two.length - 2)])).rejects.toThrow('COPY data ended without its trailer');
    await expect(decode(plans, [two.subarray(0, 10)])).rejects.toThrow('COPY data ended before its header was complete');
    await expect(decode(plans, [two, Buffer.from([0])])).rejects.toThrow('COPY data continues after its trailer');
    await expect(decode(plans, [Buffer.from('PGCOPX\n\xff\r\n\0', 'latin1')])).rejects.toThrow(/bad signature/);
  });
});
