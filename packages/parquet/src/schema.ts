// Columns → Parquet schema: validation, physical types and the SchemaElements of the footer.
import { TType, type ThriftWriter } from './thrift.js';
import { PARQUET_TYPES, type ParquetColumn } from './types.js';

export type PhysicalType = 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';

/** parquet.thrift `Type`. */
export const PHYSICAL_TYPE_IDS: Record<PhysicalType, number> = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  FLOAT: 4,
  DOUBLE: 5,
  BYTE_ARRAY: 6,
  FIXED_LEN_BYTE_ARRAY: 7,
};

/** parquet.thrift `ConvertedType`. */
const CONVERTED_UTF8 = 0;
const CONVERTED_DECIMAL = 5;
const CONVERTED_DATE = 6;
const CONVERTED_TIMESTAMP_MICROS = 10;

/** parquet.thrift `FieldRepetitionType`. */
const REQUIRED = 0;
const OPTIONAL = 1;

/** parquet.thrift `LogicalType` union members. */
const LOGICAL_STRING = 1;
const LOGICAL_DECIMAL = 5;
const LOGICAL_DATE = 6;
const LOGICAL_TIMESTAMP = 8;
/** parquet.thrift `TimeUnit` union member MICROS. */
const UNIT_MICROS = 2;

export const MAX_DECIMAL_PRECISION = 76;

/** The physical type of a column (its precision decides for DECIMAL). */
export function physicalType(column: ParquetColumn): PhysicalType {
  switch (column.type) {
    case 'BOOLEAN':
    case 'INT32':
    case 'INT64':
    case 'FLOAT':
    case 'DOUBLE':
      return column.type;
    case 'UTF8':
    case 'BINARY':
      return 'BYTE_ARRAY';
    case 'DATE':
      return 'INT32';
    case 'TIMESTAMP_MICROS':
      return 'INT64';
    case 'DECIMAL': {
      const precision = column.precision ?? 0;
      return precision <= 9 ? 'INT32' : precision <= 18 ? 'INT64' : 'FIXED_LEN_BYTE_ARRAY';
    }
  }
}

/** The fewest bytes whose two's complement holds ±(10^precision − 1). */
export function decimalByteLength(precision: number): number {
  const largest = 10n ** BigInt(precision) - 1n;
  let bytes = 1;
  while ((1n << BigInt(bytes * 8 - 1)) - 1n < largest) bytes += 1;
  return bytes;
}

/** Throws for an unusable column list: none, an invalid or duplicate name, an unknown type, a bad DECIMAL precision/scale. */
export function checkColumns(columns: readonly ParquetColumn[]): void {
  // Checked as an unknown value (a caller's list may come from JSON): narrowing `columns` itself would make it any[].
  const list: unknown = columns;
  if (!Array.isArray(list) || list.length === 0) throw new Error('a Parquet file needs at least one column');
  const seen = new Set<string>();
  for (const column of columns) {
    if (typeof column.name !== 'string' || column.name === '' || column.name === '__proto__') {
      throw new Error(`invalid Parquet column name ${JSON.stringify(column.name)}`);
    }
    if (seen.has(column.name)) throw new Error(`duplicate Parquet column "${column.name}"`);
    seen.add(column.name);
    if (!PARQUET_TYPES.includes(column.type))
      throw new Error(`column "${column.name}": unknown Parquet type ${JSON.stringify(column.type)}`);
    if (column.type === 'DECIMAL') {
      const { precision, scale = 0 } = column;
      if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1 || precision > MAX_DECIMAL_PRECISION) {
        throw new Error(
          `column "${column.name}": DECIMAL precision must be an integer in 1..${MAX_DECIMAL_PRECISION}, got ${String(precision)}`,
        );
      }
      if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
        throw new Error(
          `column "${column.name}": DECIMAL scale must be an integer in 0..${precision} (the precision), got ${String(scale)}`,
        );
      }
    }
  }
}

/** Writes FileMetaData field 2 (`schema`): the root group, then one primitive field per column. */
export function writeSchema(thrift: ThriftWriter, columns: readonly ParquetColumn[]): void {
  thrift.list(2, TType.STRUCT, columns.length + 1);
  thrift.listStruct();
  thrift.string(4, 'schema');
  thrift.i32(5, columns.length);
  thrift.endStruct();
  for (const column of columns) {
    const physical = physicalType(column);
    thrift.listStruct();
    thrift.i32(1, PHYSICAL_TYPE_IDS[physical]);
    if (physical === 'FIXED_LEN_BYTE_ARRAY') thrift.i32(2, decimalByteLength(column.precision ?? 0));
    thrift.i32(3, column.nullable ? OPTIONAL : REQUIRED);
    thrift.string(4, column.name);
    switch (column.type) {
      case 'UTF8':
        thrift.i32(6, CONVERTED_UTF8);
        thrift.struct(10);
        thrift.struct(LOGICAL_STRING);
        thrift.endStruct();
        thrift.endStruct();
        break;
      case 'DATE':
        thrift.i32(6, CONVERTED_DATE);
        thrift.struct(10);
        thrift.struct(LOGICAL_DATE);
        thrift.endStruct();
        thrift.endStruct();
        break;
      case 'TIMESTAMP_MICROS': {
        const utc = column.adjustedToUTC ?? true;
        // The converted type TIMESTAMP_MICROS means UTC-adjusted: a wall-clock timestamp has only the logical type.
        if (utc) thrift.i32(6, CONVERTED_TIMESTAMP_MICROS);
        thrift.struct(10);
        thrift.struct(LOGICAL_TIMESTAMP);
        thrift.bool(1, utc);
        thrift.struct(2);
        thrift.struct(UNIT_MICROS);
        thrift.endStruct();
        thrift.endStruct();
        thrift.endStruct();
        thrift.endStruct();
        break;
      }
      case 'DECIMAL': {
        const precision = column.precision ?? 0;
        const scale = column.scale ?? 0;
        thrift.i32(6, CONVERTED_DECIMAL);
        thrift.i32(7, scale);
        thrift.i32(8, precision);
        thrift.struct(10);
        thrift.struct(LOGICAL_DECIMAL);
        thrift.i32(1, scale);
        thrift.i32(2, precision);
        thrift.endStruct();
        thrift.endStruct();
        break;
      }
      default:
        break;
    }
    thrift.endStruct();
  }
}
