import { describe, expect, it } from 'vitest';
import {
  MAX_DECIMAL_PRECISION,
  UnmappedTypeError,
  numericTypmod,
  planColumn,
  toParquetColumns,
  type ColumnDescription,
} from './type-map.js';

const col = (typeName: string, typmod = -1, extra: Partial<ColumnDescription> = {}): ColumnDescription => ({
  name: 'c',
  typeName,
  typmod,
  nullable: true,
  ...extra,
});
const typmodOf = (precision: number, scale: number) => (precision << 16) + scale + 4;

describe('planColumn', () => {
  it('maps by pg_type name and by SQL spelling', () => {
    expect(planColumn(col('int4')).parquet).toBe('INT32');
    expect(planColumn(col('integer')).parquet).toBe('INT32');
    expect(planColumn(col('double precision')).parquet).toBe('DOUBLE');
    expect(planColumn(col('character varying(20)')).parquet).toBe('UTF8');
    expect(planColumn(col('timestamp with time zone')).adjustedToUTC).toBe(true);
    expect(planColumn(col('numeric(10,2)'))).toMatchObject({ parquet: 'DECIMAL', precision: 10, scale: 2 });
    expect(planColumn(col('numeric', typmodOf(10, 2)))).toMatchObject({ parquet: 'DECIMAL', precision: 10, scale: 2 });
    expect(planColumn(col('numeric')).parquet).toBe('UTF8');
    expect(planColumn(col('numeric', typmodOf(10, 2)), { numericAs: 'double' }).parquet).toBe('DOUBLE');
  });

  it('says which binary decoder reads each type, and selects the quoted column as it is', () => {
    const types = ['int2', 'int4', 'int8', 'oid', 'float4', 'float8', 'bool', 'date', 'timestamp', 'timestamptz', 'bytea'];
    types.push('text', 'varchar', 'bpchar', 'name', 'json', 'jsonb', 'uuid');
    const wires = Object.fromEntries(
      types.map((t) => {
        const p = planColumn(col(t));
        return [t, `${p.wire} ${p.select}`];
      }),
    );
    expect(wires).toEqual({
      int2: 'int2 "c"',
      int4: 'int4 "c"',
      int8: 'int8 "c"',
      oid: 'oid "c"',
      float4: 'float4 "c"',
      float8: 'float8 "c"',
      bool: 'bool "c"',
      date: 'date "c"',
      timestamp: 'timestamp "c"',
      timestamptz: 'timestamptz "c"',
      bytea: 'bytea "c"',
      text: 'text "c"',
      varchar: 'text "c"',
      bpchar: 'text "c"',
      name: 'text "c"',
      json: 'text "c"',
      jsonb: 'jsonb "c"',
      uuid: 'uuid "c"',
    });
    expect(planColumn({ ...col('int4'), name: 'We"ird' }).select).toBe('"We""ird"');
  });

  it('casts where the binary form is not what the decoder reads: enum, citext, numeric as text, domains', () => {
    const plan = (c: ColumnDescription, options = {}) => {
      const p = planColumn(c, options);
      return `${p.parquet} ${p.wire} ${p.select}`;
    };
    expect(plan(col('mood', -1, { typtype: 'e' }))).toBe('UTF8 text "c"::text');
    expect(plan(col('citext', -1, { typtype: 'b' }))).toBe('UTF8 text "c"::text');
    expect(plan(col('numeric'))).toBe('UTF8 text "c"::text');
    expect(plan(col('numeric', typmodOf(12, 2)))).toBe('DECIMAL numeric-decimal "c"');
    expect(plan(col('numeric'), { numericAs: 'double' })).toBe('DOUBLE numeric-double "c"');
    expect(plan(col('big_id', -1, { typtype: 'd', baseTypeName: 'int8' }))).toBe('INT64 int8 "c"::int8');
    expect(plan(col('price', typmodOf(12, 2), { typtype: 'd', baseTypeName: 'numeric' }))).toBe('DECIMAL numeric-decimal "c"::numeric');
    expect(plan(col('amount', -1, { typtype: 'd', baseTypeName: 'numeric' }))).toBe('UTF8 text "c"::text');
    expect(plan(col('email', -1, { typtype: 'd', baseTypeName: 'citext' }))).toBe('UTF8 text "c"::text');
    expect(plan(col('code', 9, { typtype: 'd', baseTypeName: 'bpchar' }))).toBe('UTF8 text "c"::bpchar');
  });

  it('numeric: DECIMAL up to the writer’s precision, exact text beyond it or for scales outside 0..p', () => {
    expect(planColumn(col('numeric', typmodOf(MAX_DECIMAL_PRECISION, 10)))).toMatchObject({ parquet: 'DECIMAL', precision: 76 });
    expect(planColumn(col('numeric', typmodOf(77, 10)))).toMatchObject({ parquet: 'UTF8', wire: 'text', select: '"c"::text' });
    expect(planColumn(col('numeric', typmodOf(5, 6)))).toMatchObject({ parquet: 'UTF8' });
    const negativeScale = (10 << 16) + (-2 & 0x7ff) + 4; // numeric(10,-2), PostgreSQL 15+
    expect(numericTypmod(negativeScale)).toEqual({ precision: 10, scale: -2 });
    expect(planColumn(col('numeric', negativeScale)).parquet).toBe('UTF8');
  });

  it('maps enums to UTF8 and simple domains as their base type; refuses the rest', () => {
    expect(planColumn(col('mood', -1, { typtype: 'e' })).parquet).toBe('UTF8');
    expect(planColumn(col('price', -1, { typtype: 'd', baseTypeName: 'int8' })).parquet).toBe('INT64');
    expect(() => planColumn(col('spans', -1, { typtype: 'd', baseTypeName: 'interval' }))).toThrow(
      'column "c" has type spans (a domain over interval), which has no Parquet mapping',
    );
    expect(() => planColumn(col('_int4'))).toThrow('column "c" has type int4[], which has no Parquet mapping');
    expect(() => planColumn(col('xml'))).toThrow(UnmappedTypeError);
    expect(() => planColumn(col('int4range', -1, { typtype: 'r' }))).toThrow(UnmappedTypeError);
  });
});

describe('toParquetColumns', () => {
  it('gives the writer each plan’s name, type, nullability, precision and scale, and zone flag', () => {
    const plans = [
      planColumn({ name: 'id', typeName: 'int8', typmod: -1, nullable: false }),
      planColumn({ name: 'amount', typeName: 'numeric', typmod: typmodOf(12, 2), nullable: true }),
      planColumn({ name: 'at', typeName: 'timestamptz', typmod: -1, nullable: true }),
      planColumn({ name: 'local', typeName: 'timestamp', typmod: -1, nullable: true }),
      planColumn({ name: 'note', typeName: 'text', typmod: -1, nullable: true }),
    ];
    expect(toParquetColumns(plans)).toEqual([
      { name: 'id', type: 'INT64', nullable: false },
      { name: 'amount', type: 'DECIMAL', nullable: true, precision: 12, scale: 2 },
      { name: 'at', type: 'TIMESTAMP_MICROS', nullable: true, adjustedToUTC: true },
      { name: 'local', type: 'TIMESTAMP_MICROS', nullable: true, adjustedToUTC: false },
      { name: 'note', type: 'UTF8', nullable: true },
    ]);
  });
});
