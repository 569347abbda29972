import { PassThrough } from 'node:stream';
import { partitionFilePath, type OutputColumn } from '@partita/contracts';
import { openParquetWriter } from '@partita/parquet';
import type { HandlerContext, HandlerResult } from './handlers/handler.js';

/** A Parquet blob being uploaded from `body` while it is written. */
export interface BlobUpload {
  path: string;
  body: PassThrough;
  /** Resolves once the blob is committed (after `body` ended). */
  uploaded(): Promise<{ bytes: number }>;
  /** Abandons the upload: uncommitted blocks never become visible, so no partial blob appears. */
  abort(err: Error): Promise<void>;
}

/** Starts streaming a blob of the job's output container (which must exist) from a PassThrough. */
export function startBlobUpload(ctx: HandlerContext, path: string, highWaterMark?: number): BlobUpload {
  const body = new PassThrough(highWaterMark === undefined ? {} : { highWaterMark });
  const upload = ctx.store.put(ctx.output.container, path, body, { contentType: 'application/vnd.apache.parquet' });
  upload.catch(() => undefined); // awaited by uploaded()/abort(); a failure meanwhile surfaces through the writer
  return {
    path,
    body,
    uploaded: () => upload,
    async abort(err) {
      body.destroy(err);
      await upload.catch(() => undefined);
    },
  };
}

/**
 * Streams one partition's rows into its Parquet file in Blob Storage while they are produced: bounded memory.
 * The blob name carries the attempt; a failed attempt commits nothing.
 */
export async function writePartitionFile(
  ctx: HandlerContext,
  jobId: string,
  index: number,
  columns: readonly OutputColumn[],
  produce: (append: (row: Record<string, unknown>) => Promise<void>) => Promise<void>,
): Promise<HandlerResult> {
  await ctx.store.ensureContainer(ctx.output.container);
  const file = startBlobUpload(ctx, partitionFilePath(ctx.output.prefix, jobId, index, ctx.attempt));
  try {
    const writer = await openParquetWriter(columns, file.body);
    await produce((row) => writer.append(row));
    const { rows } = await writer.close();
    const { bytes } = await file.uploaded();
    return { files: [{ path: file.path, rows, bytes }] };
  } catch (err) {
    await file.abort(err as Error);
    throw err;
  }
}
