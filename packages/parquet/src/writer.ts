// The row API: rows (objects keyed by column name) validated and appended to the columnar stream writer.
import { PassThrough } from 'node:stream';
import { ParquetRowError } from './errors.js';
import { checkCompression } from './compression.js';
import { checkColumns } from './schema.js';
import { StreamWriter } from './stream-writer.js';
import type { ParquetColumn, ParquetFileWriter, ParquetWriteOptions } from './types.js';
import { Invalid, valueCodec } from './values.js';

const DEFAULT_ROW_GROUP_SIZE = 10_000;

/**
 * Streams a Parquet file into `out` (e.g. a PassThrough that a BlobStore.put consumes), row groups flushed
 * as they fill: bounded memory. `append` waits while `out` applies backpressure, so a writer whose output
 * nobody reads stalls at the first full row group. When `out` errors or is destroyed, pending and later
 * calls reject. To abandon a file (e.g. after a `ParquetRowError` you treat as fatal), destroy `out` with
 * an error so its consumer does not store a truncated file.
 *
 * ```ts
 * const out = new PassThrough();
 * const stored = store.put(container, path, out);
 * const writer = await openParquetWriter(columns, out);
 * for (const row of rows) await writer.append(row);
 * await writer.close();
 * const { bytes } = await stored;
 * ```
 *
 * The file is written by `openParquetStream` (flat columns, version 1 data pages, PLAIN values, min/max statistics
 * for numeric, date and timestamp columns); a row group holds `rowGroupSize` rows, or fewer when its buffers reach
 * about 64 MiB.
 */
export async function openParquetWriter(
  columns: readonly ParquetColumn[],
  out: NodeJS.WritableStream,
  options: ParquetWriteOptions = {},
): Promise<ParquetFileWriter> {
  const compression = options.compression ?? 'SNAPPY';
  checkCompression(compression);
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1)
    throw new Error(`rowGroupSize must be a positive integer, got ${rowGroupSize}`);
  checkColumns(columns);

  const stream = new StreamWriter(columns, out, { compression, rowGroupRows: rowGroupSize });
  const buffers = stream.buffers;
  const names = columns.map((column) => column.name);
  const nullable = columns.map((column) => column.nullable ?? false);
  const codecs = columns.map(valueCodec);
  /** The current row's converted values (null for a null), filled by validation before anything is appended. */
  const converted: unknown[] = new Array(columns.length).fill(null);
  let closed = false;

  /** Validates a row and appends it; returns the flush to await when its row group is full. */
  const appendRow = (row: Record<string, unknown>): Promise<void> | undefined => {
    if (closed) throw new Error('Parquet writer is closed');
    if (stream.failure) throw stream.failure;
    const index = stream.rows;
    if (typeof row !== 'object' || row === null) throw new TypeError(`row ${index} is not an object`);
    for (let i = 0; i < codecs.length; i++) {
      const value = row[names[i]!];
      if (value === null || value === undefined) {
        if (!nullable[i])
          throw new ParquetRowError(index, names[i]!, `is not nullable but the row has ${value === null ? 'null' : 'no value'}`);
        converted[i] = null;
        continue;
      }
      const result = codecs[i]!.check(value);
      if (result instanceof Invalid) throw new ParquetRowError(index, names[i]!, result.reason);
      converted[i] = result;
    }
    for (let i = 0; i < codecs.length; i++) {
      const value = converted[i];
      if (value === null) buffers[i]!.appendNull();
      else codecs[i]!.append(buffers[i]!, value);
      converted[i] = null;
    }
    return stream.endRow() ? stream.flush() : undefined;
  };

  // Calls run in order: one runs at once, synchronously, unless an earlier one (a flush) is still pending.
  let busy = 0;
  let tail: Promise<unknown> = Promise.resolve();
  const settled = () => {
    busy -= 1;
  };
  const schedule = <T>(task: () => T | Promise<T>): Promise<T> => {
    if (busy === 0) {
      let result: T | Promise<T>;
      try {
        result = task();
      } catch (error) {
        return Promise.reject(error);
      }
      if (!(result instanceof Promise)) return Promise.resolve(result);
      busy += 1;
      tail = result.then(settled, settled);
      return result;
    }
    busy += 1;
    const result = tail.then(task);
    tail = result.then(settled, settled);
    return result;
  };

  return {
    append(row) {
      return schedule(() => appendRow(row));
    },
    close() {
      return schedule(async () => {
        if (closed) throw new Error('Parquet writer is closed');
        closed = true;
        const { rows } = await stream.close();
        return { rows };
      });
    },
  };
}

/** Writes all rows into an in-memory Parquet file. */
export async function encodeParquet(
  columns: readonly ParquetColumn[],
  rows: Iterable<Record<string, unknown>>,
  options: ParquetWriteOptions = {},
): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const writer = await openParquetWriter(columns, out, options);
  for (const row of rows) await writer.append(row);
  await writer.close();
  return Buffer.concat(chunks);
}
