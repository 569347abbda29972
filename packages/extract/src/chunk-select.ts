// The SELECT one chunk's COPY runs. Pure.
import { quoteTable, wrapCondition, wrapQuery } from '@partita/contracts';
import { chunkCondition, type Chunk } from './chunks.js';
import type { ColumnPlan } from './type-map.js';

/** What an extract reads: a table (optionally filtered), or a query with the key its chunks range over. */
export type ChunkSelectSource =
  { schema?: string | undefined; table: string; columns?: string[]; where?: string } | { query: string; key: string };

/**
 * `select <exprs> from <table> where (<where>) and (<chunk condition>)`, or for a query
 * `select <exprs> from (<query>\n) q where <chunk condition>`, with each plan's `select` expression, in order, and the
 * chunk's bounds as literals (COPY takes no parameters). `keyType` is the plan's (`ChunkPlan.keyType`). Block chunks
 * exist for tables only.
 */
export function buildChunkSelect(source: ChunkSelectSource, columns: readonly ColumnPlan[], chunk: Chunk, keyType?: string | null): string {
  if (columns.length === 0) throw new Error('buildChunkSelect: no columns to select');
  const exprs = columns.map((c) => c.select).join(', ');
  if ('query' in source) {
    if (chunk.kind !== 'key') throw new Error('buildChunkSelect: block chunks only exist for tables; a query needs a key');
    if (chunk.key !== source.key)
      throw new Error(`buildChunkSelect: the chunk ranges over "${chunk.key}", the query's key is "${source.key}"`);
    return `select ${exprs} from ${wrapQuery(source.query)} where ${chunkCondition(chunk, keyType)}`;
  }
  const where = source.where?.trim()
    ? `${wrapCondition(source.where)} and (${chunkCondition(chunk, keyType)})`
    : chunkCondition(chunk, keyType);
  return `select ${exprs} from ${quoteTable(source)} where ${where}`;
}
