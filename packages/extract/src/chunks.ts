import { quoteIdent, quoteLiteral } from '@partita/contracts';
/**
 * Chunks of a PostgreSQL extract: pure shapes and SQL predicates, no I/O.
 *
 * Two kinds of chunk:
 * - `key`: a half-open range `[lower, upper)` of one column in that column's own order (its type's
 *   default btree ordering, its collation for text). `lower: null` is unbounded below, `upper: null`
 *   unbounded above. The first chunk is always unbounded below and the last unbounded above, so rows
 *   outside the range seen while planning (inserted later, or missed by a sample) still belong to
 *   exactly one chunk. Rows whose key is NULL belong to the last chunk. Key values travel as their
 *   PostgreSQL text representation and are cast back to the column type in the predicate.
 * - `blocks`: a range of heap blocks `[fromBlock, toBlock)` matched on `ctid`; the last one is
 *   open-ended (`toBlock: null`) so that blocks added after planning are still read.
 *
 * Chunks of one plan never overlap and together cover every row.
 */

export type KeyChunk = {
  index: number;
  kind: 'key';
  /** Column name (a plain identifier, unquoted). */
  key: string;
  /** Inclusive lower bound as text; null = unbounded below. */
  lower: string | null;
  /** Exclusive upper bound as text; null = unbounded above (and NULL keys belong here). */
  upper: string | null;
  estimatedRows: number;
};

export type BlockChunk = {
  index: number;
  kind: 'blocks';
  /** First block (inclusive). */
  fromBlock: number;
  /** Block after the last one (exclusive); null = to the end of the table. */
  toBlock: number | null;
  estimatedRows: number;
};

export type Chunk = KeyChunk | BlockChunk;

/** How many chunks a job asks for: a fixed number, or a target size. */
export type ChunkRule = { chunks: number } | { rowsPerChunk: number };

/** Never more chunks than this (one queue message each). */
export const MAX_CHUNKS = 10_000;

/**
 * Key chunks from sorted, deduplicated interior boundaries: `k` boundaries give `k + 1` chunks
 * `[null, b1), [b1, b2), ..., [bk, null)`. `estimatedRowsPerChunk` has one entry per chunk.
 */
export function keyChunksFromBoundaries(key: string, boundaries: string[], estimatedRowsPerChunk: number[]): Chunk[] {
  if (estimatedRowsPerChunk.length !== boundaries.length + 1) {
    throw new RangeError(
      `keyChunksFromBoundaries: ${boundaries.length} boundaries need ${boundaries.length + 1} row estimates, got ${estimatedRowsPerChunk.length}`,
    );
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (boundaries[i] === boundaries[i - 1]) {
      throw new RangeError(`keyChunksFromBoundaries: duplicate boundary ${JSON.stringify(boundaries[i])}`);
    }
  }
  const chunks: Chunk[] = [];
  for (let i = 0; i <= boundaries.length; i++) {
    chunks.push({
      index: i,
      kind: 'key',
      key,
      lower: i === 0 ? null : (boundaries[i - 1] ?? null),
      upper: i === boundaries.length ? null : (boundaries[i] ?? null),
      estimatedRows: Math.max(0, Math.round(estimatedRowsPerChunk[i] ?? 0)),
    });
  }
  return chunks;
}

/**
 * `n` block chunks of (nearly) equal width over `[0, totalBlocks)`; the last is open-ended. Fewer
 * chunks when the table has fewer blocks than `n` (at least one chunk, even for an empty table).
 * `estimatedRows` (the whole table's) is shared out in proportion to the width.
 */
export function blockChunks(totalBlocks: number, n: number, estimatedRows: number): Chunk[] {
  if (!Number.isInteger(totalBlocks) || totalBlocks < 0) throw new RangeError(`blockChunks: bad totalBlocks ${totalBlocks}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`blockChunks: bad chunk count ${n}`);
  const count = Math.max(1, Math.min(n, totalBlocks));
  const rows = Math.max(0, estimatedRows);
  const chunks: Chunk[] = [];
  let assigned = 0;
  for (let i = 0; i < count; i++) {
    const fromBlock = Math.floor((i * totalBlocks) / count);
    const end = Math.floor(((i + 1) * totalBlocks) / count);
    const last = i === count - 1;
    // Rows shared out by cumulative rounding so that the estimates add up to the total.
    const upto = last ? Math.round(rows) : Math.round((rows * end) / Math.max(1, totalBlocks));
    chunks.push({ index: i, kind: 'blocks', fromBlock, toBlock: last ? null : end, estimatedRows: Math.max(0, upto - assigned) });
    assigned = Math.max(assigned, upto);
  }
  return chunks;
}

// A type name as format_type() prints it: optional schema, name, modifiers, a few SQL-standard
// words (character varying, double precision, time with time zone, interval day to second), arrays.
const NAME = String.raw`(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")`;
const WORD = String.raw`(?:varying|precision|with|without|time|zone|year|month|day|hour|minute|second|to)`;
const KEY_TYPE = new RegExp(String.raw`^${NAME}(?:\.${NAME})?(?: ${WORD})*(?:\(\d+(?:, ?\d+)?\))?(?: ${WORD})*(?:\[\])*$`);

/**
 * The SQL condition selecting a chunk's rows, to AND with the source's own where clause.
 *
 * Key chunk: `"key" >= $1::type and "key" < $2::type`, leaving out an unbounded side; the last chunk
 * (upper null) also takes NULL keys: `("key" >= $1::type or "key" is null)`; a lone chunk is `true`.
 * Without `keyType` the parameters are left untyped (PostgreSQL then takes the column's type).
 * Block chunk: `ctid >= '(from,0)'::tid and ctid < '(to,0)'::tid` (no parameters; a tid range scan
 * from PostgreSQL 14).
 * `firstParam` numbers the parameters from `$firstParam` when the caller has parameters of its own.
 */
export function chunkPredicate(chunk: Chunk, keyType?: string | null, firstParam = 1): { sql: string; params: string[] } {
  if (!Number.isInteger(firstParam) || firstParam < 1) throw new RangeError(`chunkPredicate: bad firstParam ${firstParam}`);
  const params: string[] = [];
  const sql = condition(chunk, keyType, (value) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  });
  return { sql, params };
}

/**
 * The same condition as `chunkPredicate`, with the bounds as SQL literals instead of parameters, for statements
 * that take none (COPY): `"id" >= '10'::bigint and "id" < '20'::bigint`. The literals assume
 * `standard_conforming_strings = on` (PostgreSQL's default).
 */
export function chunkCondition(chunk: Chunk, keyType?: string | null): string {
  return condition(chunk, keyType, quoteLiteral);
}

/** A chunk's condition, each key bound written by `bound` (then cast to `keyType`). */
function condition(chunk: Chunk, keyType: string | null | undefined, bound: (value: string) => string): string {
  if (chunk.kind === 'blocks') {
    for (const b of [chunk.fromBlock, chunk.toBlock ?? 0]) {
      if (!Number.isSafeInteger(b) || b < 0) throw new RangeError(`chunkPredicate: bad block number ${b}`);
    }
    const parts: string[] = [];
    if (chunk.fromBlock > 0) parts.push(`ctid >= '(${chunk.fromBlock},0)'::tid`);
    if (chunk.toBlock !== null) parts.push(`ctid < '(${chunk.toBlock},0)'::tid`);
    return parts.length === 0 ? 'true' : parts.join(' and ');
  }
  if (keyType != null && !KEY_TYPE.test(keyType)) throw new Error(`chunkPredicate: unsupported key type ${JSON.stringify(keyType)}`);
  const column = quoteIdent(chunk.key);
  const cast = keyType != null ? `::${keyType}` : '';
  const value = (text: string): string => `${bound(text)}${cast}`;
  if (chunk.lower === null && chunk.upper === null) return 'true';
  if (chunk.upper === null) return `(${column} >= ${value(chunk.lower as string)} or ${column} is null)`;
  if (chunk.lower === null) return `${column} < ${value(chunk.upper)}`;
  const lower = value(chunk.lower);
  return `${column} >= ${lower} and ${column} < ${value(chunk.upper)}`;
}

/** Number of chunks for a rule and a row estimate: at least 1, at most MAX_CHUNKS. */
export function chunkCount(rule: ChunkRule, estimatedRows: number): number {
  let n: number;
  if ('chunks' in rule) {
    if (!Number.isFinite(rule.chunks) || rule.chunks < 1) throw new RangeError(`chunkCount: chunks must be >= 1, got ${rule.chunks}`);
    n = Math.floor(rule.chunks);
  } else {
    if (!Number.isFinite(rule.rowsPerChunk) || rule.rowsPerChunk <= 0) {
      throw new RangeError(`chunkCount: rowsPerChunk must be > 0, got ${rule.rowsPerChunk}`);
    }
    n = Math.ceil(Math.max(0, estimatedRows) / rule.rowsPerChunk);
  }
  return Math.min(MAX_CHUNKS, Math.max(1, n));
}
