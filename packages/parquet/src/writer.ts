import { PassThrough } from 'node:stream';
import { ParquetRowError } from './errors.js';
import { ParquetEnvelopeWriter, ParquetWriter, asError, ensureExactInt64, librarySchema } from './library.js';
import { PARQUET_TYPES, type ParquetColumn, type ParquetFileWriter, type ParquetWriteOptions } from './types.js';
import { Invalid, valueConverter, type ValueConverter } from './values.js';

const DEFAULT_ROW_GROUP_SIZE = 10_000;
const COMPRESSIONS = ['UNCOMPRESSED', 'SNAPPY', 'GZIP'] as const;

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
 * The file has flat columns, version 1 data pages (the most widely readable), min/max statistics for
 * non-string columns, and column/offset indexes.
 */
export async function openParquetWriter(
  columns: readonly ParquetColumn[],
  out: NodeJS.WritableStream,
  options: ParquetWriteOptions = {},
): Promise<ParquetFileWriter> {
  const settings = checkOptions(options);
  checkColumns(columns);
  ensureExactInt64();

  // parquetjs-lite does not await every write, so writes never reject: a failure is recorded and surfaced by
  // append/close. A write also settles when `out` errors or closes early (a destroyed stream may drop its callback).
  let streamError: Error | undefined;
  let ended = false;
  const pending = new Set<() => void>();
  const fail = (error: Error) => {
    streamError ??= error;
    for (const settle of pending) settle();
    pending.clear();
  };
  out.on('error', fail);
  out.on('close', () => {
    if (!ended) fail(new Error('closed before the Parquet file was complete'));
  });
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve) => {
      if (streamError) return resolve();
      pending.add(resolve);
      out.write(chunk, (error?: Error | null) => {
        if (error) streamError ??= error;
        pending.delete(resolve);
        resolve();
      });
    });
  const end = () =>
    new Promise<void>((resolve) => {
      if (streamError) return resolve();
      pending.add(resolve);
      out.end((error?: unknown) => {
        if (error instanceof Error) streamError ??= error;
        ended = true;
        pending.delete(resolve);
        resolve();
      });
    });

  const schema = librarySchema(columns, settings);
  const envelope = new ParquetEnvelopeWriter(schema, write, end, 0, { useDataPageV2: false });
  const writer = new ParquetWriter(schema, envelope, { rowGroupSize: settings.rowGroupSize });

  const converters: Array<[string, ValueConverter, boolean]> = columns.map((c) => [c.name, valueConverter(c.type), c.nullable ?? false]);
  let rows = 0;
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();
  /** parquetjs-lite loses rows appended while a row group is being written, so calls run one at a time. */
  const serialize = <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
  const failIfBroken = () => {
    if (streamError) throw new Error(`Parquet output stream failed: ${streamError.message}`, { cause: streamError });
  };

  return {
    append(row) {
      return serialize(async () => {
        if (closed) throw new Error('Parquet writer is closed');
        failIfBroken();
        if (typeof row !== 'object' || row === null) throw new TypeError(`row ${rows} is not an object`);
        const converted: Record<string, unknown> = {};
        for (const [name, convert, nullable] of converters) {
          const value = row[name];
          if (value === null || value === undefined) {
            if (!nullable) throw new ParquetRowError(rows, name, `is not nullable but the row has ${value === null ? 'null' : 'no value'}`);
            continue;
          }
          const result = convert(value);
          if (result instanceof Invalid) throw new ParquetRowError(rows, name, result.reason);
          converted[name] = result;
        }
        try {
          await writer.appendRow(converted);
        } catch (thrown) {
          throw asError(thrown);
        }
        rows += 1;
        failIfBroken();
      });
    },
    close() {
      return serialize(async () => {
        if (closed) throw new Error('Parquet writer is closed');
        closed = true;
        failIfBroken();
        try {
          await writer.close();
        } catch (thrown) {
          throw asError(thrown);
        }
        failIfBroken();
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

function checkOptions(options: ParquetWriteOptions): Required<ParquetWriteOptions> {
  const compression = options.compression ?? 'SNAPPY';
  if (!COMPRESSIONS.includes(compression))
    throw new Error(`unsupported Parquet compression ${JSON.stringify(compression)}; use one of ${COMPRESSIONS.join(', ')}`);
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1)
    throw new Error(`rowGroupSize must be a positive integer, got ${rowGroupSize}`);
  return { compression, rowGroupSize };
}

function checkColumns(columns: readonly ParquetColumn[]): void {
  if (columns.length === 0) throw new Error('a Parquet file needs at least one column');
  const seen = new Set<string>();
  for (const column of columns) {
    if (typeof column.name !== 'string' || column.name === '' || column.name === '__proto__') {
      throw new Error(`invalid Parquet column name ${JSON.stringify(column.name)}`);
    }
    if (seen.has(column.name)) throw new Error(`duplicate Parquet column "${column.name}"`);
    seen.add(column.name);
    if (!PARQUET_TYPES.includes(column.type))
      throw new Error(`column "${column.name}": unknown Parquet type ${JSON.stringify(column.type)}`);
  }
}
