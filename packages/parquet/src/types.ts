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
 * - `FLOAT`, `DOUBLE`: number, NaN and ±Infinity included (FLOAT: within float32 range; stored rounded to float32)
 * - `UTF8`: string
 * - `BINARY`: Buffer or Uint8Array
 * - `DATE`: Date, stored as its UTC day (days since 1970-01-01; the time of day is dropped), or an integer number of days
 * - `TIMESTAMP_MICROS`: Date (millisecond precision), or a bigint of microseconds since the epoch
 * - `DECIMAL`: bigint (the unscaled value) or a string in plain notation (e.g. '-12.30', at most `scale` digits after the
 *   point unless the extra ones are zeros), within `precision` digits
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
  /** Page compression. Default `SNAPPY`. */
  compression?: ParquetCompression;
  /** Rows per row group, the unit of buffering: memory is bounded by one row group (which also ends at about 64 MiB). Default `10000`. */
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
