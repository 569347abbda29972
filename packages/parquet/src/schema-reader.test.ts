import { describe, expect, it } from 'vitest';
import { encodeParquet, readParquetSchema, PARQUET_TYPES, type ParquetColumn } from './index.js';

describe('readParquetSchema', () => {
  it('reads back every column type the writer writes, with nullability, from the footer alone', async () => {
    const columns: ParquetColumn[] = PARQUET_TYPES.map((type, i) => ({
      name: `c_${type.toLowerCase()}`,
      type,
      nullable: i % 2 === 0,
      ...(type === 'DECIMAL' ? { precision: 12, scale: 2 } : {}),
    }));
    const file = await encodeParquet(columns, []);
    expect(readParquetSchema(file).map(({ name, type, nullable }) => ({ name, type, nullable }))).toEqual(
      columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
    );
    expect(readParquetSchema(file).find((c) => c.type === 'TIMESTAMP_MICROS')?.declared).toBe('INT64 (TIMESTAMP_MICROS)');
  });

  it('refuses what is not a Parquet file', () => {
    expect(() => readParquetSchema(Buffer.from('not parquet at all'))).toThrow();
  });
});
