// The columnar streaming writer's interface: a producer (e.g. a decoder of PostgreSQL's binary COPY)
// appends values straight into per-column buffers of the current row group, with no row objects.
import type { ParquetColumn, ParquetCompression } from './types.js';

/** Every buffer: one call per row, a value or `appendNull()` (nullable columns only). */
export interface ColumnBufferBase {
  readonly column: ParquetColumn;
  /** Values (including nulls) appended to the current row group. */
  readonly length: number;
  appendNull(): void;
}

/** BOOLEAN. */
export interface BooleanBuffer extends ColumnBufferBase {
  readonly physical: 'BOOLEAN';
  append(value: boolean): void;
}

/** INT32, DATE (days since 1970-01-01), DECIMAL with precision ≤ 9 (the unscaled value). */
export interface Int32Buffer extends ColumnBufferBase {
  readonly physical: 'INT32';
  append(value: number): void;
}

/** INT64, TIMESTAMP_MICROS (µs since 1970-01-01), DECIMAL with 10 ≤ precision ≤ 18 (the unscaled value). */
export interface Int64Buffer extends ColumnBufferBase {
  readonly physical: 'INT64';
  /** The value as its two 32-bit halves: `hi` the signed upper word, `lo` the unsigned lower word. No allocation. */
  appendHiLo(hi: number, lo: number): void;
  /** A safe integer. */
  appendNumber(value: number): void;
  appendBigInt(value: bigint): void;
}

/** FLOAT (stored rounded to float32) and DOUBLE. NaN and ±Infinity are kept. */
export interface FloatingBuffer extends ColumnBufferBase {
  readonly physical: 'FLOAT' | 'DOUBLE';
  append(value: number): void;
}

/** UTF8 and BINARY. */
export interface ByteArrayBuffer extends ColumnBufferBase {
  readonly physical: 'BYTE_ARRAY';
  /** Copies `source[start, end)` (for UTF8: bytes that are valid UTF-8, not checked). */
  appendBytes(source: Uint8Array, start: number, end: number): void;
  appendString(value: string): void;
}

/** DECIMAL with precision > 18 (FIXED_LEN_BYTE_ARRAY of the minimal size for the precision). */
export interface FixedDecimalBuffer extends ColumnBufferBase {
  readonly physical: 'FIXED_LEN_BYTE_ARRAY';
  /** The unscaled value; must fit the column's precision. */
  appendBigInt(value: bigint): void;
}

export type ColumnBuffer = BooleanBuffer | Int32Buffer | Int64Buffer | FloatingBuffer | ByteArrayBuffer | FixedDecimalBuffer;

export interface ParquetStreamOptions {
  /** Page compression. Default `SNAPPY`. */
  compression?: ParquetCompression;
  /** A row group is written when it holds this many rows (default 131,072) ... */
  rowGroupRows?: number;
  /** ... or when its buffers hold about this many bytes (default 64 MiB), whichever comes first: memory stays bounded. */
  rowGroupBytes?: number;
  /** Key/value metadata stored in the footer. */
  metadata?: Record<string, string>;
}

/**
 * Writes one Parquet file to a stream, row group by row group. The producer appends one value per column per
 * row into `buffers` (index i ↔ `columns[i]`), calls `endRow()` after each row, and awaits `flush()` when
 * `endRow()` returns true. `close()` writes the last row group and the footer and ends the stream.
 */
export interface ParquetStreamWriter {
  readonly columns: readonly ParquetColumn[];
  readonly buffers: readonly ColumnBuffer[];
  /** Rows completed so far (all row groups). */
  readonly rows: number;
  /** Bytes handed to the output so far. */
  readonly bytesWritten: number;
  /** Marks the current row complete. Returns true when the row group is full: await `flush()` before the next row. */
  endRow(): boolean;
  /** Encodes, compresses and writes the buffered rows as one row group (nothing when empty); resolves once the output accepted it. */
  flush(): Promise<void>;
  /** Flushes, writes the footer and ends the output. */
  close(): Promise<{ rows: number; bytes: number }>;
}
