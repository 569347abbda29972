import { PassThrough } from 'node:stream';
import { partitionFilePath, type OutputColumn } from '@partita/contracts';
import { openParquetWriter } from '@partita/parquet';
import type { HandlerContext, HandlerResult } from './handlers/handler.js';

/**
 * Streams one partition's rows into its Parquet file in Blob Storage while they are produced: bounded memory.
 * The blob name is deterministic, so a rerun replaces the file; a failed attempt commits nothing (the upload is
 * aborted, and uncommitted blocks are never visible).
 */
export async function writePartitionFile(
  ctx: HandlerContext,
  jobId: string,
  index: number,
  columns: readonly OutputColumn[],
  produce: (append: (row: Record<string, unknown>) => Promise<void>) => Promise<void>,
): Promise<HandlerResult> {
  const file = partitionFilePath(ctx.output.prefix, jobId, index);
  await ctx.store.ensureContainer(ctx.output.container);
  const body = new PassThrough();
  const upload = ctx.store.put(ctx.output.container, file, body, { contentType: 'application/vnd.apache.parquet' });
  upload.catch(() => undefined); // awaited below; avoid an unhandled rejection while rows are still produced
  try {
    const writer = await openParquetWriter(columns, body);
    await produce((row) => writer.append(row));
    const { rows } = await writer.close();
    const { bytes } = await upload;
    return { files: [{ path: file, rows, bytes }] };
  } catch (err) {
    body.destroy(err as Error);
    await upload.catch(() => undefined);
    throw err;
  }
}
