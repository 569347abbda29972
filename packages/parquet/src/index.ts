export { ParquetRowError } from './errors.js';
export { readParquet, readParquetSchema, type ParquetFileColumn, type ReadParquetOptions } from './reader.js';
export { openParquetStream } from './stream-writer.js';
export type {
  BooleanBuffer,
  ByteArrayBuffer,
  ColumnBuffer,
  ColumnBufferBase,
  FixedDecimalBuffer,
  FloatingBuffer,
  Int32Buffer,
  Int64Buffer,
  ParquetStreamOptions,
  ParquetStreamWriter,
} from './stream-types.js';
export { PARQUET_TYPES } from './types.js';
export type { ParquetColumn, ParquetCompression, ParquetFileWriter, ParquetType, ParquetWriteOptions } from './types.js';
export { encodeParquet, openParquetWriter } from './writer.js';
