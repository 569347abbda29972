import {
  PermanentError,
  TransientError,
  type ExtractChunk,
  type ExtractDetails,
  type FileView,
  type SqlExtractSpec,
} from '@partita/contracts';
import { buildChunkSelect, classifyPgError, copyChunk, openChunkTransaction, toParquetColumns, type ColumnPlan } from '@partita/extract';
import { openParquetStream, type ParquetStreamWriter } from '@partita/parquet';
import type { FileUpload, Partition, RunContext, RunResult } from '@partita/sdk';

/** A chunk as its partition sees it: the key range or blocks, and the job's snapshot (null: none was exported). */
export interface ChunkUnits {
  chunk: ExtractChunk;
  snapshot: string | null;
}

/**
 * One chunk of an extract: in a read-only transaction on the job's exported snapshot (or, when that is gone, one of
 * its own), `COPY (SELECT …) TO STDOUT (FORMAT binary)` is decoded straight into Parquet column buffers, row groups
 * are uploaded as block blobs while the rows stream in: memory stays flat whatever the chunk's size. The rows written
 * must equal the rows PostgreSQL says it sent.
 */
export async function runChunk(payload: Partition<SqlExtractSpec, ChunkUnits>, ctx: RunContext<never, never, never>): Promise<RunResult> {
  const spec = payload.spec;
  const details = ctx.details as ExtractDetails<ColumnPlan> | null;
  if (!details?.columns) throw new PermanentError(`job ${payload.jobId} has no recorded column plan`);
  const parquetColumns = toParquetColumns(details.columns);
  const sql = buildChunkSelect(spec.source, details.columns, payload.chunk, details.keyType);

  const client = await ctx
    .source()
    .connect()
    .catch((err: unknown) => {
      throw new TransientError(`cannot connect to the source database: ${(err as Error).message}`, err);
    });
  let broken: Error | undefined;
  // A connection that ends while checked out (pg_terminate_backend, a restarted server) emits 'error' besides failing
  // the query in flight: without a listener that would end the process. The failing query carries the error.
  const onConnectionError = (err: Error) => void (broken ??= err);
  client.on('error', onConnectionError);
  const files: FileView[] = [];
  const open = new Map<number, { writer: ParquetStreamWriter; upload: FileUpload }>();
  try {
    const { ownSnapshot } = await openChunkTransaction(client, payload.snapshot, spec.statementTimeoutMs, ctx.log);
    const result = await copyChunk(client, {
      sql,
      columns: details.columns,
      maxRowsPerFile: spec.output.maxRowsPerFile,
      signal: ctx.signal,
      onProgress: (rows) => ctx.progress(rows),
      openFile: (index) => {
        const upload = ctx.openFile(index);
        const writer = openParquetStream(parquetColumns, upload.body, {
          compression: spec.output.compression,
          rowGroupRows: spec.output.rowsPerRowGroup,
          metadata: { 'partita.job': payload.jobId, 'partita.chunk': String(payload.index), 'partita.file': String(index) },
        });
        open.set(index, { writer, upload });
        return writer;
      },
      closeFile: async (index) => {
        const file = open.get(index)!;
        const { rows } = await file.writer.close();
        const { bytes } = await file.upload.uploaded();
        open.delete(index);
        files.push({ path: file.upload.path, rows, bytes });
      },
    });
    if (result.rows !== result.copyRows) {
      throw new PermanentError(`chunk ${payload.index}: wrote ${result.rows} rows but PostgreSQL sent ${result.copyRows}`);
    }
    // Nothing to keep: a rollback undoes any setting the query's functions made, and DISCARD ALL drops what a rollback
    // leaves on the pooled connection (session advisory locks, prepared statements), so the next chunk starts clean.
    await client.query('rollback');
    await client.query('discard all');
    return { files, ownSnapshot };
  } catch (err) {
    broken = err as Error;
    for (const file of open.values()) await file.upload.abort(broken);
    // An aborted chunk leaves the connection in the middle of its COPY, where a rollback would wait forever: the
    // connection is closed below instead, which ends the transaction with it.
    if (!ctx.signal.aborted) await client.query('rollback').catch(() => undefined);
    throw classifyPgError(err);
  } finally {
    client.off('error', onConnectionError);
    // After a failure the connection may be mid-COPY (an abort) or broken: it is closed rather than reused.
    client.release(broken);
  }
}
