/// <reference path="./parquetjs-lite.d.ts" />
import parquet from 'parquetjs-lite';
import parquetTypes from 'parquetjs-lite/lib/types.js';
import type { ParquetColumn, ParquetType, ParquetWriteOptions } from './types.js';

export const { ParquetEnvelopeWriter, ParquetSchema, ParquetWriter } = parquet;
export type ParquetSchemaInstance = InstanceType<typeof ParquetSchema>;

/** parquetjs-lite type names of our column types. */
const LIBRARY_TYPES: Record<ParquetType, string> = {
  BOOLEAN: 'BOOLEAN',
  INT32: 'INT32',
  INT64: 'INT64',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  UTF8: 'UTF8',
  BINARY: 'BYTE_ARRAY',
  DATE: 'DATE',
  TIMESTAMP_MICROS: 'TIMESTAMP_MICROS',
};

const PRECISE = Symbol.for('parquetjs-lite.int64.bigint-passthrough');

/**
 * parquetjs-lite converts every INT64 value with parseInt, which rounds a bigint beyond 2^53 to a double.
 * This makes its INT64 conversion hand bigints through unchanged (other values keep the original path),
 * once per process; its encoder writes bigints exactly.
 */
export function ensureExactInt64(): void {
  const int64 = parquetTypes.PARQUET_LOGICAL_TYPES.INT64 as (parquetTypes.LogicalType & { [PRECISE]?: true }) | undefined;
  if (!int64) throw new Error('parquetjs-lite has no INT64 type: unsupported version');
  if (int64[PRECISE]) return;
  const original = int64.toPrimitive.bind(int64);
  int64.toPrimitive = (value) => (typeof value === 'bigint' ? value : original(value));
  int64[PRECISE] = true;
}

/**
 * The parquetjs-lite schema of the columns. String and binary columns get no min/max statistics:
 * parquetjs-lite orders them as JavaScript strings, not as the unsigned bytes Parquet readers assume,
 * so its statistics could make a reader skip row groups that do match.
 */
export function librarySchema(columns: readonly ParquetColumn[], options: Required<ParquetWriteOptions>): ParquetSchemaInstance {
  const fields: Record<string, parquet.FieldDefinition> = {};
  for (const column of columns) {
    fields[column.name] = {
      type: LIBRARY_TYPES[column.type],
      optional: column.nullable ?? false,
      compression: options.compression,
      ...(column.type === 'UTF8' || column.type === 'BINARY' ? { statistics: false as const } : {}),
    };
  }
  return new ParquetSchema(fields);
}

/** parquetjs-lite throws strings; this makes an Error of whatever it threw. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(`parquetjs-lite: ${String(thrown)}`);
}
