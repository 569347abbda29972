import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects, parquetSchema, type Compressors } from 'hyparquet';

/** Codecs hyparquet lacks, from node:zlib (it decodes SNAPPY itself). */
const COMPRESSORS: Compressors = {
  GZIP: (input) => gunzipSync(input),
  BROTLI: (input) => brotliDecompressSync(input),
};

/**
 * Reads a whole Parquet file with hyparquet, a reader independent of the writer (for tests and tools).
 * Values come back as: INT64 → bigint; DATE and TIMESTAMP_* → Date (millisecond precision);
 * UTF8 → string; BINARY → Uint8Array; FLOAT/DOUBLE/INT32 → number; BOOLEAN → boolean; nulls → null.
 */
export async function readParquet(data: Buffer | Uint8Array): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const file = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const rows = await parquetReadObjects({ file, metadata, utf8: false, compressors: COMPRESSORS });
  return { columns, rows };
}
