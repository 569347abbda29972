import { gzipSync } from 'node:zlib';
import { compressSync } from 'snappy';
import type { ParquetCompression } from './types.js';

export const COMPRESSIONS: readonly ParquetCompression[] = ['UNCOMPRESSED', 'SNAPPY', 'GZIP'];

/** parquet.thrift `CompressionCodec`. */
export const CODEC_IDS: Record<ParquetCompression, number> = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2 };

/** Throws unless `compression` is a supported codec name. */
export function checkCompression(compression: unknown): asserts compression is ParquetCompression {
  if (!COMPRESSIONS.includes(compression as ParquetCompression)) {
    throw new Error(`unsupported Parquet compression ${JSON.stringify(compression)}; use one of ${COMPRESSIONS.join(', ')}`);
  }
}

/**
 * Compresses one page. Returns a new buffer, except for UNCOMPRESSED, which returns `page` itself
 * (the caller copies it when `page` is reused).
 */
export function compressPage(codec: ParquetCompression, page: Uint8Array): Uint8Array {
  switch (codec) {
    case 'SNAPPY':
      return compressSync(page); // raw (unframed) Snappy, as Parquet wants
    case 'GZIP':
      return gzipSync(page);
    case 'UNCOMPRESSED':
      return page;
  }
}
