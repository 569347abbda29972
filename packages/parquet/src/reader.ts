import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  parquetMetadata,
  parquetReadObjects,
  parquetSchema,
  type Compressors,
  type FileMetaData,
  type ParquetParsers,
  type SchemaElement,
} from 'hyparquet';
import type { ParquetType } from './types.js';

/** Codecs hyparquet lacks, from node:zlib (it decodes SNAPPY itself). */
const COMPRESSORS: Compressors = {
  GZIP: (input) => gunzipSync(input),
  BROTLI: (input) => brotliDecompressSync(input),
};

export interface ReadParquetOptions {
  /**
   * Exact values where the default ones are lossy or rounded: DECIMAL → string in plain notation (any precision,
   * e.g. '-0.05'); TIMESTAMP_* → bigint microseconds since the epoch (nanoseconds rounded down); DATE → number
   * of days since 1970-01-01. Default false.
   */
  exact?: boolean;
}

/** hyparquet parsers of the exact mode: raw numbers instead of Dates. */
const EXACT_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis: bigint) => BigInt(millis) * 1000n,
  timestampFromMicroseconds: (micros: bigint) => BigInt(micros),
  timestampFromNanoseconds: (nanos: bigint) => {
    const value = BigInt(nanos);
    const micros = value / 1000n;
    return value % 1000n < 0n ? micros - 1n : micros; // floor
  },
  dateFromDays: (days: number) => days,
};

/**
 * Reads a whole Parquet file with hyparquet, a reader independent of the writer (for tests and tools).
 * Values come back as: INT64 → bigint; DATE and TIMESTAMP_* → Date (millisecond precision);
 * DECIMAL → number (rounded to a double); UTF8 → string; BINARY → Uint8Array; FLOAT/DOUBLE/INT32 → number;
 * BOOLEAN → boolean; nulls → null. With `{ exact: true }`: DECIMAL → string, TIMESTAMP_* → bigint µs, DATE → days.
 */
export async function readParquet(
  data: Buffer | Uint8Array,
  options: ReadParquetOptions = {},
): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const file = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  if (!options.exact) {
    const metadata = parquetMetadata(file);
    const columns = parquetSchema(metadata).children.map((child) => child.element.name);
    const rows = await parquetReadObjects({ file, metadata, utf8: false, compressors: COMPRESSORS });
    return { columns, rows };
  }

  const metadata = parquetMetadata(file, { parsers: EXACT_PARSERS });
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  // hyparquet turns decimals into doubles: it reads the top-level decimal columns here as their raw physical
  // values (the DECIMAL annotations removed from a copy of the schema), which are then formatted exactly.
  const decimals = new Map<string, number>();
  const children = new Set(parquetSchema(metadata).children.map((child) => child.element));
  const schema = metadata.schema.map((element) => {
    if (!children.has(element) || (element.converted_type !== 'DECIMAL' && element.logical_type?.type !== 'DECIMAL')) return element;
    const scale = element.logical_type?.type === 'DECIMAL' ? element.logical_type.scale : (element.scale ?? 0);
    decimals.set(element.name, scale);
    return { ...element, converted_type: undefined, logical_type: undefined };
  });
  const raw: FileMetaData = { ...metadata, schema };
  const rows = await parquetReadObjects({ file, metadata: raw, utf8: false, compressors: COMPRESSORS, parsers: EXACT_PARSERS });
  if (decimals.size > 0) {
    for (const row of rows) {
      for (const [name, scale] of decimals) {
        const value: unknown = row[name];
        if (value !== null && value !== undefined) row[name] = formatDecimal(unscaledValue(value), scale);
      }
    }
  }
  return { columns, rows };
}

/** A top-level column of a Parquet file as its schema declares it; `type` null for a type Partita does not write. */
export interface ParquetFileColumn {
  name: string;
  type: ParquetType | null;
  nullable: boolean;
  /** How the file declares it, for messages: physical type and annotation, e.g. `INT64 (TIMESTAMP_MILLIS)`. */
  declared: string;
}

/** The column type of a schema element in Partita's terms (see ParquetType), or null. */
function columnType(e: SchemaElement): ParquetType | null {
  const logical = e.logical_type;
  const converted = e.converted_type;
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') return 'DECIMAL';
  if (logical?.type === 'STRING' || converted === 'UTF8') return e.type === 'BYTE_ARRAY' ? 'UTF8' : null;
  if (logical?.type === 'DATE' || converted === 'DATE') return e.type === 'INT32' ? 'DATE' : null;
  if (logical?.type === 'TIMESTAMP') return e.type === 'INT64' && logical.unit === 'MICROS' ? 'TIMESTAMP_MICROS' : null;
  if (converted === 'TIMESTAMP_MICROS') return e.type === 'INT64' ? 'TIMESTAMP_MICROS' : null;
  if (logical !== undefined || converted !== undefined) {
    const plainInt = logical?.type === 'INTEGER' && logical.isSigned && logical.bitWidth === (e.type === 'INT32' ? 32 : 64);
    const plainConverted = converted === (e.type === 'INT32' ? 'INT_32' : 'INT_64');
    if (!plainInt && !plainConverted) return null;
  }
  switch (e.type) {
    case 'BOOLEAN':
    case 'INT32':
    case 'INT64':
    case 'FLOAT':
    case 'DOUBLE':
      return e.type;
    case 'BYTE_ARRAY':
      return 'BINARY';
    default:
      return null;
  }
}

/** The top-level columns of a Parquet file (its footer only): name, type and whether they may hold nulls. */
export function readParquetSchema(data: Buffer | Uint8Array): ParquetFileColumn[] {
  const file = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return parquetSchema(parquetMetadata(file)).children.map(({ element: e, children }) => {
    const annotation = e.logical_type ? e.logical_type.type : e.converted_type;
    const unit = e.logical_type && 'unit' in e.logical_type ? `_${e.logical_type.unit}` : '';
    return {
      name: e.name,
      type: children.length > 0 ? null : columnType(e),
      nullable: e.repetition_type !== 'REQUIRED',
      declared: `${e.type ?? 'GROUP'}${annotation ? ` (${annotation}${unit})` : ''}`,
    };
  });
}

/** The unscaled integer of a raw decimal: INT32 number, INT64 bigint, or big-endian two's complement bytes. */
function unscaledValue(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (value instanceof Uint8Array) {
    if (value.length === 0) return 0n;
    let result = 0n;
    for (const byte of value) result = (result << 8n) | BigInt(byte);
    return value[0]! & 0x80 ? result - (1n << BigInt(value.length * 8)) : result;
  }
  throw new Error(`unexpected raw DECIMAL value ${String(value)}`);
}

/** An unscaled value in plain decimal notation with `scale` digits after the point, e.g. (-5n, 2) → '-0.05'. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
