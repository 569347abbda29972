import { PassThrough } from 'node:stream';
import { PermanentError, extractFilePath, partitionFilePath, type FileView, type ManifestColumn } from '@partita/contracts';
import { ParquetRowError, openParquetWriter, type ParquetColumn, type ParquetFileWriter } from '@partita/parquet';
import type { FileUpload } from '@partita/sdk';
import type { BlobStore } from '@partita/storage';

/** Where one attempt of one partition writes. */
export interface PartitionPlace {
  store: BlobStore;
  output: { container: string; prefix: string };
  jobId: string;
  index: number;
  attempt: number;
}

/** Starts streaming a blob of the job's output container (which must exist) from a PassThrough. */
export function startBlobUpload(place: PartitionPlace, path: string, highWaterMark = 1 << 20): FileUpload {
  const body = new PassThrough({ highWaterMark });
  const upload = place.store.put(place.output.container, path, body, { contentType: 'application/vnd.apache.parquet' });
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
 * A partition's output files: the rows its kind writes with `ctx.write` stream into one Parquet file (opened on the
 * first row, or empty at the end so that every partition of a kind with columns has its file), and files of the
 * kind's own making (`ctx.openFile`). The output container must exist. Names carry the attempt: a failed attempt commits nothing, a rerun never
 * overwrites the recorded attempt's files.
 */
export class PartitionOutput {
  private writer: Promise<{ writer: ParquetFileWriter; upload: FileUpload }> | null = null;
  private readonly own: FileUpload[] = [];

  constructor(
    private readonly place: PartitionPlace,
    private readonly columns: readonly ManifestColumn[],
  ) {}

  /** Appends rows to the partition's file; a value that does not fit its column fails the partition for good. */
  async write(rows: Record<string, unknown> | readonly Record<string, unknown>[]): Promise<void> {
    if (this.columns.length === 0) throw new PermanentError('this kind declares no output columns: it cannot write rows');
    const { writer } = await (this.writer ??= this.open());
    for (const row of (Array.isArray(rows) ? rows : [rows]) as readonly Record<string, unknown>[]) {
      try {
        await writer.append(row);
      } catch (err) {
        if (err instanceof ParquetRowError) throw new PermanentError(`output ${err.message}`, err);
        throw err;
      }
    }
  }

  openFile(file: number): FileUpload {
    const { prefix } = this.place.output;
    const upload = startBlobUpload(this.place, extractFilePath(prefix, this.place.jobId, this.place.index, this.place.attempt, file));
    this.own.push(upload);
    return upload;
  }

  /** Commits the partition's file (the kind's own files are committed by the kind) and lists them all. */
  async finish(own: readonly FileView[]): Promise<FileView[]> {
    if (!this.writer && own.length === 0 && this.columns.length > 0) this.writer = this.open();
    if (!this.writer) return [...own];
    const { writer, upload } = await this.writer;
    const { rows } = await writer.close();
    const { bytes } = await upload.uploaded();
    return [{ path: upload.path, rows, bytes }, ...own];
  }

  /** Abandons every upload: nothing of this attempt becomes visible. */
  async abort(err: Error): Promise<void> {
    const open = await this.writer?.catch(() => null);
    await open?.upload.abort(err);
    for (const upload of this.own) await upload.abort(err);
  }

  private async open(): Promise<{ writer: ParquetFileWriter; upload: FileUpload }> {
    const { output, jobId, index, attempt } = this.place;
    const upload = startBlobUpload(this.place, partitionFilePath(output.prefix, jobId, index, attempt));
    const writer = await openParquetWriter(this.columns as ParquetColumn[], upload.body);
    return { writer, upload };
  }
}
