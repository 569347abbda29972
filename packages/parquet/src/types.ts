/** Column types: Parquet physical types plus the logical types `UTF8`, `DATE`, `TIMESTAMP_MICROS` and `DECIMAL`. */
export type ParquetType = 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'UTF8' | 'BINARY' | 'DATE' | 'TIMESTAMP_MICROS' | 'DECIMAL';

/** Page compression codecs. */
export type ParquetCompression = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP';

/** All column types, in declaration order. */
export const PARQUET_TYPES: readonly ParquetType[] = [
  'BOOLEAN',
  'INT32',
  'INT64',
  'FLOAT',
  'DOUBLE',
  'UTF8',
  'BINARY',
  'DATE',
  'TIMESTAMP_MICROS',
  'DECIMAL',
];

/**
 * A flat column. Values a row may hold for it:
 * - `BOOLEAN`: boolean
 * - `INT32`: integer number in [-2^31, 2^31 − 1]
 * - `INT64`: bigint in the signed 64-bit range, or a safe-integer number
 * - `FLOAT`, `DOUBLE`: number, ±Infinity allowed, NaN rejected (FLOAT: within float32 range; stored rounded to float32)
 * - `UTF8`: string
 * - `BINARY`: Buffer or Uint8Array
 * - `DATE`: Date, stored as its UTC day (days since 1970-01-01; the time of day is dropped)
 * - `TIMESTAMP_MICROS`: Date (millisecond precision), stored as microseconds since the epoch (UTC)
 * - `null` or `undefined` (or a missing key) where `nullable`
 */
export interface ParquetColumn {
  name: string;
  type: ParquetType;
  /** Whether the column may hold nulls. Default `false`. */
  nullable?: boolean;
  /** DECIMAL only: total digits, 1..76 (physical INT32 up to 9, INT64 up to 18, else FIXED_LEN_BYTE_ARRAY). */
  precision?: number;
  /** DECIMAL only: digits after the point, 0..precision. Default 0. */
  scale?: number;
  /** TIMESTAMP_MICROS only: whether values are instants (UTC-adjusted, e.g. timestamptz) or wall-clock times. Default true. */
  adjustedToUTC?: boolean;
}

/** How to write a file. */
export interface ParquetWriteOptions {
  /** Page compression. Default `SNAPPY` (a pure-JS codec: works on every Node version). */
  compression?: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP';
  /** Rows per row group, the unit of buffering: memory is bounded by one row group. Default `10000`. */
  rowGroupSize?: number;
}

/** Writes one Parquet file, row by row. Await each call before the next. */
export interface ParquetFileWriter {
  /**
   * Adds a row (an object keyed by column name; other keys are ignored). Rejects with `ParquetRowError`
   * for an invalid row, which is then not written (the writer stays usable).
   */
  append(row: Record<string, unknown>): Promise<void>;
  /** Writes the last row group and the footer, and ends the output stream. Returns the number of rows written. */
  close(): Promise<{ rows: number }>;
}
