// The sql-extract kind's PostgreSQL side: chunk planning and the type mapping.
export { MAX_CHUNKS, blockChunks, chunkCount, chunkPredicate, keyChunksFromBoundaries } from './chunks.js';
export type { BlockChunk, Chunk, ChunkRule, KeyChunk } from './chunks.js';
export { EXACT_ROWS_LIMIT, planChunks } from './chunk-planner.js';
export type { ChunkPlan, ChunkSource } from './chunk-planner.js';
export {
  UnmappedTypeError,
  ValueConversionError,
  daysFromCivil,
  decimalToUnscaled,
  numericTypmod,
  parseDate,
  parseTimestamp,
  planColumn,
} from './type-map.js';
export type { ColumnDescription, ColumnPlan, ParquetPhysical, PlanOptions } from './type-map.js';
export { describeColumns, planColumns } from './columns.js';
export type { ColumnSource, DescribedColumn, PlanColumnsOptions } from './columns.js';
