// The sql-extract kind's PostgreSQL side: chunk planning (and type mapping).
export { MAX_CHUNKS, blockChunks, chunkCount, chunkPredicate, keyChunksFromBoundaries, quoteIdent } from './chunks.js';
export type { BlockChunk, Chunk, ChunkRule, KeyChunk } from './chunks.js';
export { EXACT_ROWS_LIMIT, planChunks } from './chunk-planner.js';
export type { ChunkPlan, ChunkSource } from './chunk-planner.js';
