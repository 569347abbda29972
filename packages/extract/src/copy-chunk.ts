// The worker's core for one chunk: COPY (select) TO STDOUT in binary, decoded straight into Parquet stream
// writers, one file per `maxRowsPerFile` rows.
import type pg from 'pg';
import { CopyDecoder, type RowWriter } from './copy-decoder.js';
import { CopyOutStream } from './copy-out.js';
import type { ColumnPlan } from './type-map.js';

export interface CopyChunkOptions<W extends RowWriter> {
  /** One SELECT statement without parameters (COPY takes none), see `buildChunkSelect`. */
  sql: string;
  /** The plans of the statement's columns, in order. */
  columns: readonly ColumnPlan[];
  /** Rows per file; the last file holds the rest. */
  maxRowsPerFile: number;
  /** A writer for file `fileIndex` (0, 1, ...) with one buffer per column, in order. File 0 is opened at once, the next ones when their first row arrives. */
  openFile(this: void, fileIndex: number): W;
  /** Finishes file `fileIndex` (closes the writer, awaits its upload). Not called for the file being written when the copy fails. */
  closeFile(this: void, fileIndex: number, writer: W): Promise<void>;
  /** Aborting destroys the COPY stream and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Rows decoded so far: called after each chunk of COPY data that completed rows, and once at the end. */
  onProgress?: (rows: number) => void;
}

export interface CopyChunkResult {
  /** Rows decoded into the files. */
  rows: number;
  /** Rows PostgreSQL says the COPY sent (its `COPY n` command tag): the caller checks it equals `rows`. */
  copyRows: number;
  files: Array<{ index: number; rows: number }>;
}

/**
 * Runs `COPY (<sql>) TO STDOUT (FORMAT binary)` on `client` (already inside the caller's transaction) and decodes the
 * rows into Parquet files, rolling to a new file every `maxRowsPerFile` rows. An empty result still makes one file,
 * with no rows. The COPY stream is consumed only as fast as the writers take the rows (`flush`, `closeFile`).
 *
 * When it fails:
 * - an error from PostgreSQL ends the COPY; the client is usable (its transaction is aborted);
 * - a value the decoder cannot write, or a writer or `closeFile` error: the rest of the COPY is read and dropped,
 *   so that the client is usable again, then the error is thrown;
 * - an abort: the COPY stream is destroyed at once and the client is left in the middle of the COPY: discard it
 *   (e.g. `release(error)` to its pool) without querying it first (a `rollback` on it would wait for ever).
 * In every case the file being written is neither closed nor reported: the caller drops what it opened.
 */
export async function copyChunk<W extends RowWriter>(client: pg.ClientBase, options: CopyChunkOptions<W>): Promise<CopyChunkResult> {
  const { sql, columns, maxRowsPerFile, openFile, closeFile, signal, onProgress } = options;
  if (!Number.isInteger(maxRowsPerFile) || maxRowsPerFile < 1) throw new RangeError(`copyChunk: bad maxRowsPerFile ${maxRowsPerFile}`);
  signal?.throwIfAborted();

  const files: CopyChunkResult['files'] = [];
  const decoder = new CopyDecoder(columns, openFile(0), {
    maxRowsPerWriter: maxRowsPerFile,
    nextWriter: async (full, rows) => {
      await closeFile(files.length, full);
      files.push({ index: files.length, rows });
      return openFile(files.length);
    },
  });

  // One extended-protocol statement: a second one hidden in `sql` is refused. A newline before the closing
  // parenthesis, in case the statement ends in a -- comment.
  const stream = new CopyOutStream(`COPY (${sql}\n) TO STDOUT (FORMAT binary)`);
  // rowCount comes from the command tag, which may be read after the stream ended; ReadyForQuery follows it.
  const finished = stream.readyForQuery;
  const abort = (): void => {
    stream.destroy(signal?.reason instanceof Error ? signal.reason : new DOMException('copyChunk was aborted', 'AbortError'));
  };
  signal?.addEventListener('abort', abort, { once: true });
  // Not `for await`, whose early exit destroys the stream: after a local failure the rest is drained.
  const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  try {
    client.query(stream as unknown as pg.Submittable);
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      const before = decoder.rows;
      await decoder.push(next.value);
      if (decoder.rows !== before) onProgress?.(decoder.rows);
    }
    decoder.end();
    await closeFile(files.length, decoder.currentWriter);
    files.push({ index: files.length, rows: decoder.rowsInWriter });
    await finished;
  } catch (error) {
    // A stream that failed (PostgreSQL's error, an abort) is destroyed; one still open is read to its end.
    if (!stream.destroyed) {
      try {
        while (!(await chunks.next()).done);
      } catch {
        // An abort meanwhile, or an error from PostgreSQL: the error to report is the first one.
      }
    }
    throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  onProgress?.(decoder.rows);
  return { rows: decoder.rows, copyRows: stream.rowCount, files };
}
