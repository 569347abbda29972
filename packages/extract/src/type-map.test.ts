import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  UnmappedTypeError,
  ValueConversionError,
  decimalToUnscaled,
  parseDate,
  parseTimestamp,
  planColumn,
  type ColumnPlan,
} from './type-map.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every value as PostgreSQL's text output, as a reader with type parsers disabled sees it. */
const RAW_TEXT = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

/** Plain decimal notation of unscaled × 10^-scale, with optional leading zeros and sign. */
function formatDecimal(unscaled: bigint, scale: number, leadingZeros: number, plus: boolean): string {
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const int = '0'.repeat(leadingZeros) + digits.slice(0, digits.length - scale);
  const body = scale === 0 ? int : `${int}.${digits.slice(digits.length - scale)}`;
  return (unscaled < 0n ? '-' : plus ? '+' : '') + body;
}

const digitCount = (n: bigint) => (n === 0n ? 0 : (n < 0n ? -n : n).toString().length);

describe('decimalToUnscaled', () => {
  it('round-trips plain decimal formatting (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 45n), max: 10n ** 45n }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (unscaled, scale, zeros, plus) => {
          const text = formatDecimal(unscaled, scale, zeros, plus);
          expect(decimalToUnscaled(text, scale)).toBe(unscaled);
          const p = Math.max(1, digitCount(unscaled));
          expect(decimalToUnscaled(text, scale, p)).toBe(unscaled);
          if (digitCount(unscaled) > 1) expect(() => decimalToUnscaled(text, scale, p - 1)).toThrow(/does not fit/);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects nonzero digits beyond the scale, accepts zeros there (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }), (unscaled, scale) => {
        const text = formatDecimal(unscaled, scale + 1, 0, false);
        if (unscaled % 10n === 0n) expect(decimalToUnscaled(text, scale)).toBe(unscaled / 10n);
        else expect(() => decimalToUnscaled(text, scale)).toThrow(/more than \d+ fractional digits/);
      }),
    );
  });

  it('handles signs, leading zeros and bare points; rejects what is not plain notation', () => {
    expect(decimalToUnscaled('-0012.30', 2)).toBe(-1230n);
    expect(decimalToUnscaled('-0.00', 2)).toBe(0n);
    expect(decimalToUnscaled('.5', 1)).toBe(5n);
    expect(decimalToUnscaled('7.', 0)).toBe(7n);
    expect(decimalToUnscaled('12', 3, 5)).toBe(12000n);
    expect(() => decimalToUnscaled('123', 3, 5)).toThrow(/does not fit DECIMAL\(5,3\)/);
    for (const bad of ['', '.', '-', '1e5', 'NaN', 'Infinity', '1.2.3', '--1', ' 1', '1,5', '0x10']) {
      expect(() => decimalToUnscaled(bad, 2), bad).toThrow(RangeError);
    }
  });
});

describe('dates and timestamps from text', () => {
  it('counts days and microseconds without going through Date', () => {
    expect(parseDate('1970-01-01')).toBe(0);
    expect(parseDate('1969-12-31')).toBe(-1);
    expect(parseDate('0001-01-01')).toBe(-719162);
    expect(parseDate('9999-12-31')).toBe(2932896);
    expect(parseDate('2000-02-29')).toBe(11016);
    expect(parseTimestamp('1969-12-31 23:59:59.999999')).toBe(-1n);
    expect(parseTimestamp('1970-01-01 00:00:00.5')).toBe(500_000n);
    expect(parseTimestamp('9999-12-31 23:59:59.999999')).toBe(253402300799999999n);
    expect(parseTimestamp('2024-06-01 12:00:00+05:30', 'c', true)).toBe(parseTimestamp('2024-06-01 06:30:00'));
    expect(parseTimestamp('0001-12-31 19:03:58-04:56:02 BC', 'c', true)).toBe(-62135596800000000n);
  });

  it('fails clearly, naming the column, on infinity, BC and non-ISO text', () => {
    expect(() => parseDate('infinity', 'born')).toThrow('column "born": date infinity cannot be written to Parquet');
    expect(() => parseTimestamp('-infinity', 'at')).toThrow(/column "at": timestamp -infinity/);
    expect(() => parseDate('0044-03-15 BC', 'born')).toThrow(/column "born": date 0044-03-15 BC is before 0001-01-01/);
    expect(() => parseDate('03/15/2024', 'born')).toThrow(/DateStyle ISO/);
    expect(() => parseDate('2023-02-29', 'born')).toThrow(/invalid date/);
    expect(() => parseTimestamp('2024-01-01 00:00:00+00', 'at', false)).toThrow(ValueConversionError);
    expect(() => parseTimestamp('2024-01-01 00:00:00', 'at', true)).toThrow(/DateStyle ISO/);
  });
});

describe('planColumn', () => {
  const col = (typeName: string, typmod = -1, extra: object = {}) => ({ name: 'c', typeName, typmod, nullable: true, ...extra });

  it('maps by pg_type name and by SQL spelling', () => {
    expect(planColumn(col('int4')).parquet).toBe('INT32');
    expect(planColumn(col('integer')).parquet).toBe('INT32');
    expect(planColumn(col('double precision')).parquet).toBe('DOUBLE');
    expect(planColumn(col('character varying(20)')).parquet).toBe('UTF8');
    expect(planColumn(col('timestamp with time zone')).adjustedToUTC).toBe(true);
    expect(planColumn(col('numeric(10,2)'))).toMatchObject({ parquet: 'DECIMAL', precision: 10, scale: 2 });
    expect(planColumn(col('numeric', (10 << 16) + 2 + 4))).toMatchObject({ parquet: 'DECIMAL', precision: 10, scale: 2 });
    expect(planColumn(col('numeric')).parquet).toBe('UTF8');
    expect(planColumn(col('numeric', (10 << 16) + 2 + 4), { numericAs: 'double' }).parquet).toBe('DOUBLE');
  });

  it('maps enums to UTF8 and simple domains as their base type; refuses the rest', () => {
    expect(planColumn(col('mood', -1, { typtype: 'e' })).parquet).toBe('UTF8');
    expect(planColumn(col('price', -1, { typtype: 'd', baseTypeName: 'int8' })).parquet).toBe('INT64');
    expect(() => planColumn(col('spans', -1, { typtype: 'd', baseTypeName: 'interval' }))).toThrow(
      'column "c" has type spans (a domain over interval), which has no Parquet mapping',
    );
    expect(() => planColumn(col('_int4'))).toThrow('column "c" has type int4[], which has no Parquet mapping');
    expect(() => planColumn(col('int4range', -1, { typtype: 'r' }))).toThrow(UnmappedTypeError);
  });
});

describe('convert against values computed by PostgreSQL (real PostgreSQL, own schema)', () => {
  const schema = `t_xtm_${randomUUID().slice(0, 8)}`;
  const client = new pg.Client({ connectionString: DATABASE_URL });

  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.query(`set search_path = "${schema}"`);
    await client.query(`set time zone 'America/New_York'`);
    await client.query(`
      create table edge (
        k int primary key,
        i2 smallint, i4 integer, i8 bigint, o oid,
        n numeric(38,10), nu numeric, f4 real, f8 double precision,
        d date, ts timestamp, tz timestamptz,
        b boolean, t text, ch char(5), u uuid, jb jsonb, by bytea
      )`);
    await client.query(`
      insert into edge values
        (1, -32768, -2147483648, -9223372036854775808, 0,
         '-9999999999999999999999999999.9999999999', '-123456789012345678901234567890.123456789012345', '-3.4e38', '-1.7976931348623157e308',
         '0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00',
         false, '', 'a', '00000000-0000-0000-0000-000000000000', '{}', '\\x00'),
        (2, 32767, 2147483647, 9223372036854775807, 4294967295,
         '9999999999999999999999999999.9999999999', '1e-20', '1.17549435e-38', '4.9e-324',
         '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00',
         true, 'héllo 🎉 世界 ∑', 'abcde', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"k": ["ü", 1.50, null]}', '\\x000102ff0000'),
        (3, 0, -1, -1, 42,
         '-0.0000000001', 'NaN', 'NaN', '-Infinity',
         '1969-12-31', '1969-12-31 23:59:59.000001', '1969-07-20 20:17:40.123456-04',
         true, e'tab\\there\\nnew \\\\ "q" ''s''', ' x', null, '"s"', '\\x'),
        (4, 1, 1, 1, 1,
         '0.0000000000', '0', '0.1', '0.1',
         '1900-02-28', '1900-02-28 12:34:56.789012', '2024-03-10 07:00:00.5+00',
         false, 'x', null, null, '[]', '\\xdeadbeef'),
        (5, 2, 2, 2, 2,
         '1234567890123456789012345678.0123456789', '-0.5', '1', '1',
         '2000-02-29', '12345-06-07 01:02:03.000004', '2024-11-03 05:59:59.999999+00',
         null, null, null, null, null, null)`);
  });

  afterAll(async () => {
    await client.query(`drop schema "${schema}" cascade`);
    await client.end();
  });

  const plan = (name: string, typeName: string, typmod = -1): ColumnPlan =>
    planColumn({ name, typeName, typmod, nullable: true, typtype: 'b' });

  async function rows(sql: string): Promise<Array<Record<string, string | null>>> {
    const result = await client.query<Record<string, string | null>>({ text: sql, types: RAW_TEXT });
    return result.rows;
  }

  it('integers: INT32 numbers and INT64 bigints without precision loss', async () => {
    const [i2, i4, i8, o] = [plan('i2', 'int2'), plan('i4', 'int4'), plan('i8', 'int8'), plan('o', 'oid')];
    for (const r of await rows('select i2, i4, i8, o from edge order by k')) {
      expect(i2.convert(r['i2']!)).toBe(Number(r['i2']));
      expect(i4.convert(r['i4']!)).toBe(Number(r['i4']));
      expect(i8.convert(r['i8']!)).toBe(BigInt(r['i8']!));
      expect(o.convert(r['o']!)).toBe(BigInt(r['o']!));
    }
    const [min, max] = await rows('select i8 from edge where k in (1, 2) order by k');
    expect(i8.convert(min!['i8']!)).toBe(-(2n ** 63n));
    expect(i8.convert(max!['i8']!)).toBe(2n ** 63n - 1n);
  });

  it('numeric(38,10): the unscaled bigint equals (n * 10^10)::numeric(1000,0)', async () => {
    const [n] = (await describeTypmods(client, 'edge', ['n'])).map((typmod) => plan('n', 'numeric', typmod));
    expect(n).toMatchObject({ parquet: 'DECIMAL', precision: 38, scale: 10 });
    const result = await rows(`select n, (n * 10::numeric ^ 10)::numeric(1000,0)::text as unscaled from edge order by k`);
    for (const r of result) expect(n!.convert(r['n']!)).toBe(BigInt(r['unscaled']!));
    expect(n!.convert(result[0]!['n']!)).toBe(-(10n ** 38n - 1n));
  });

  it('plain numeric stays exact text (UTF8), or DOUBLE when asked', async () => {
    const asText = plan('nu', 'numeric');
    const asDouble = planColumn({ name: 'nu', typeName: 'numeric', typmod: -1, nullable: true }, { numericAs: 'double' });
    expect(asText.parquet).toBe('UTF8');
    for (const r of await rows('select nu, nu::float8::text as f from edge where nu is not null order by k')) {
      expect(asText.convert(r['nu']!)).toBe(r['nu']);
      expect(asDouble.convert(r['nu']!)).toBe(Number(r['f']));
    }
  });

  it('floats: real and double precision, including NaN and infinities', async () => {
    const [f4, f8] = [plan('f4', 'float4'), plan('f8', 'float8')];
    for (const r of await rows('select f4, f8, f4::float8::text as f4d from edge order by k')) {
      expect(Math.fround(f4.convert(r['f4']!) as number)).toBe(Math.fround(Number(r['f4d'])));
      expect(Object.is(f8.convert(r['f8']!), Number(r['f8']))).toBe(true);
    }
  });

  it('dates: days since epoch equal d - date 1970-01-01', async () => {
    const d = plan('d', 'date');
    for (const r of await rows(`select d, (d - date '1970-01-01')::text as days from edge order by k`)) {
      expect(d.convert(r['d']!)).toBe(Number(r['days']));
    }
  });

  it('timestamp and timestamptz (session in America/New_York): micros equal extract(epoch) * 1e6', async () => {
    const ts = plan('ts', 'timestamp');
    const tz = plan('tz', 'timestamptz');
    expect(tz.adjustedToUTC).toBe(true);
    expect(ts.adjustedToUTC).toBe(false);
    const result = await rows(`
      select ts, tz,
             (extract(epoch from ts) * 1000000)::bigint::text as ts_micros,
             (extract(epoch from tz) * 1000000)::bigint::text as tz_micros
        from edge order by k`);
    for (const r of result) {
      expect(ts.convert(r['ts']!)).toBe(BigInt(r['ts_micros']!));
      expect(tz.convert(r['tz']!)).toBe(BigInt(r['tz_micros']!));
    }
    // 0001-01-01 00:00 UTC prints as a day of 1 BC in New York (local mean time -04:56:02) and still converts.
    expect(result[0]!['tz']).toBe('0001-12-31 19:03:58-04:56:02 BC');
    expect(tz.convert(result[0]!['tz']!)).toBe(-62135596800000000n);
    expect(ts.convert(result[1]!['ts']!)).toBe(253402300799999999n);
  });

  it('text types, uuid, jsonb and bytea', async () => {
    const [b, t, ch, u, jb, by] = [
      plan('b', 'bool'),
      plan('t', 'text'),
      plan('ch', 'bpchar', 9),
      plan('u', 'uuid'),
      plan('jb', 'jsonb'),
      plan('by', 'bytea'),
    ];
    const result = await rows(`
      select b, b::int::text as b_int, t, ch, u, u::text as u_text, jb, jb::text as jb_text, by, encode(by, 'hex') as hex
        from edge where k < 5 order by k`);
    for (const r of result) {
      expect(b.convert(r['b']!)).toBe(r['b_int'] === '1');
      expect(t.convert(r['t']!)).toBe(r['t']);
      const uuid = r['u'];
      if (uuid !== null && uuid !== undefined) expect(u.convert(uuid)).toBe(r['u_text']);
      expect(jb.convert(r['jb']!)).toBe(r['jb_text']);
      expect(by.convert(r['by']!)).toEqual(Buffer.from(r['hex']!, 'hex'));
    }
    expect(t.convert(result[0]!['t']!)).toBe('');
    expect(t.convert(result[1]!['t']!)).toBe('héllo 🎉 世界 ∑');
    expect(by.convert(result[1]!['by']!)).toEqual(Buffer.from([0, 1, 2, 0xff, 0, 0]));
    expect(by.convert(result[2]!['by']!)).toEqual(Buffer.alloc(0));
    // char(n) text output keeps its padding (a ::text cast would strip it).
    expect(ch.convert(result[0]!['ch']!)).toBe('a    ');
  });

  it('NULL is the caller’s: it arrives as null and convert is not involved', async () => {
    const [r] = await rows('select b, t, ch, u, jb, by from edge where k = 5');
    expect(Object.values(r!)).toEqual([null, null, null, null, null, null]);
  });

  it('infinity, BC and non-ISO DateStyle fail clearly, naming the column', async () => {
    const [r] = await rows(`select 'infinity'::date as d, '-infinity'::timestamptz as tz, '0044-03-15 BC'::date as bc`);
    expect(() => plan('born', 'date').convert(r!['d']!)).toThrow('column "born": date infinity cannot be written to Parquet');
    expect(() => plan('at', 'timestamptz').convert(r!['tz']!)).toThrow(/column "at": timestamptz -infinity/);
    expect(() => plan('born', 'date').convert(r!['bc']!)).toThrow(/column "born": date 0044-03-15 BC is before 0001-01-01/);
    await client.query(`set datestyle = 'SQL, DMY'`);
    try {
      const [s] = await rows(`select date '2024-03-15' as d`);
      expect(() => plan('born', 'date').convert(s!['d']!)).toThrow(/column "born".*DateStyle ISO/);
    } finally {
      await client.query(`set datestyle = 'ISO, MDY'`);
    }
  });

  it('a value outside DECIMAL(p,s) fails naming the column', () => {
    const n = plan('amount', 'numeric', (5 << 16) + 2 + 4);
    expect(n.convert('-123.45')).toBe(-12345n);
    expect(() => n.convert('1234.5')).toThrow('column "amount": 1234.5 does not fit DECIMAL(5,2)');
    expect(() => n.convert('NaN')).toThrow(/column "amount": not a plain decimal number/);
  });
});

async function describeTypmods(client: pg.Client, table: string, columns: string[]): Promise<number[]> {
  const { rows } = await client.query<{ attname: string; atttypmod: number }>(
    `select attname, atttypmod from pg_attribute where attrelid = $1::regclass and attname = any($2)`,
    [table, columns],
  );
  return columns.map((c) => rows.find((r) => r.attname === c)!.atttypmod);
}
