export { ParquetRowError } from './errors.js';
export { readParquet } from './reader.js';
export { PARQUET_TYPES } from './types.js';
export type { ParquetColumn, ParquetFileWriter, ParquetType, ParquetWriteOptions } from './types.js';
export { encodeParquet, openParquetWriter } from './writer.js';
