// The sql-extract kind's PostgreSQL side: chunk planning, the type mapping, and reading a chunk with binary COPY
// into Parquet stream writers.
export { MAX_CHUNKS, blockChunks, chunkCondition, chunkCount, chunkPredicate, keyChunksFromBoundaries } from './chunks.js';
export type { BlockChunk, Chunk, ChunkRule, KeyChunk } from './chunks.js';
export { EXACT_ROWS_LIMIT, planChunks } from './chunk-planner.js';
export type { ChunkPlan, ChunkSource } from './chunk-planner.js';
export { buildChunkSelect } from './chunk-select.js';
export type { ChunkSelectSource } from './chunk-select.js';
export { MAX_DECIMAL_PRECISION, UnmappedTypeError, ValueConversionError, numericTypmod, planColumn, toParquetColumns } from './type-map.js';
export type { ColumnDescription, ColumnPlan, PlanOptions, WireType } from './type-map.js';
export { describeColumns, planColumns } from './columns.js';
export { SourceError } from './errors.js';
export { queryOne } from './statement.js';
export { safePgMessage, sqlState } from './pg-error-text.js';
export {
  FORBIDDEN_MEMBERSHIPS,
  LOCAL_READER_ROLE,
  connectAs,
  ensureReaderRole,
  openSourcePool,
  readerRoleProblems,
} from './reader-role.js';
export type { ColumnSource, DescribedColumn, PlanColumnsOptions } from './columns.js';
export { bufferPhysical, fieldDecoder } from './binary-decoders.js';
export type { FieldDecoder } from './binary-decoders.js';
export { CopyDecoder } from './copy-decoder.js';
export type { CopyDecoderOptions, RowWriter } from './copy-decoder.js';
export { copyChunk } from './copy-chunk.js';
export type { CopyChunkOptions, CopyChunkResult } from './copy-chunk.js';
export { classifyPgError } from './pg-errors.js';
export { openChunkTransaction } from './chunk-transaction.js';
export { VALUE_ONLY_VOLATILE, callsThatMayWrite, sourceFunctionCalls } from './source-functions.js';
export { RowCapture } from './row-capture.js';
export type { RowValue } from './row-capture.js';
export { copyItems, groupSelect, readGroups, readRowBatches } from './group-reader.js';
export type { GroupQuery, ItemCollector, SourceGroup } from './group-reader.js';
export { exportSnapshot } from './snapshot.js';
export type { HeldSnapshot } from './snapshot.js';
