import type pg from 'pg';
import { quoteIdent, quoteTable, tableLabel, wrapCondition, wrapQuery } from '@partita/contracts';
import { blockChunks, chunkCount, keyChunksFromBoundaries } from './chunks.js';
import type { Chunk, ChunkRule } from './chunks.js';
import { SourceError } from './errors.js';
import { queryOne } from './statement.js';

/** Below this many rows (pg_class.reltuples) a table is counted and its quantiles computed exactly. */
export const EXACT_ROWS_LIMIT = 5_000_000;
/** A never-analysed table (reltuples = -1) is "small" below this many blocks (512 MiB at 8 KiB). */
const EXACT_BLOCKS_LIMIT = 65_536;
/** Rows a sample of a large table aims at. */
const SAMPLE_ROWS = 1_000_000;

export type ChunkSource =
  | {
      /** The schema, when named apart (see TableSpec). */
      schema?: string | undefined;
      /** `table`, `schema.table` or `h2."Order Items"`, already validated. */
      table: string;
      /** SQL condition the extract applies (trusted job configuration). */
      where?: string;
    }
  | {
      /** A read-only SELECT; its chunks range over `key` (given in the options). */
      query: string;
    };

export type ChunkPlan = {
  chunks: Chunk[];
  /** Column the key chunks range over; null for block chunks. */
  key: string | null;
  /** The key's type as format_type() prints it (cast for chunkPredicate); null for block chunks. */
  keyType: string | null;
  estimatedRows: number;
  method: 'quantiles' | 'blocks';
  /**
   * True when each chunk's `estimatedRows` is the number of rows it reads (counted in the planner's snapshot); false
   * when they are estimates (a sample of a large table, or heap blocks).
   */
  exact: boolean;
};

type TableInfo = { oid: string; relkind: string; reltuples: number; blocks: number };

/**
 * Splits a table into chunks of similar ROW COUNT.
 *
 * With a key (`options.key`, else the table's single-column primary key) the boundaries are the
 * key's quantiles (`percentile_disc`), exact for tables under EXACT_ROWS_LIMIT rows, else over a
 * `tablesample system` sample; equal quantiles merge, so a key with heavy duplicates gives fewer
 * chunks than asked. Without one (no primary key, or a composite one) the table is split into
 * equal ranges of heap blocks (ctid).
 */
export async function planChunks(
  client: pg.ClientBase,
  source: ChunkSource,
  rule: ChunkRule,
  options: {
    key?: string;
    /** Tables with at least this many rows (reltuples) are sampled (default EXACT_ROWS_LIMIT). */
    exactRowsLimit?: number;
    /** Rows a sample of a large table aims at (default 1,000,000). */
    sampleRows?: number;
    /** Called with the row count or estimate before the chunks' bounds are computed; throw to stop planning. */
    onEstimate?: (estimatedRows: number) => void;
  } = {},
): Promise<ChunkPlan> {
  if ('query' in source) return planQueryChunks(client, source.query, rule, options.key, options.onEstimate);
  const table = quoteTable(source);
  const label = tableLabel(source);
  const info = await tableInfo(client, label, table);
  const where = source.where?.trim() ? wrapCondition(source.where) : 'true';

  let keyColumn: { name: string; type: string } | null;
  if (options.key !== undefined) {
    keyColumn = await columnOf(client, info.oid, options.key);
    if (keyColumn === null) throw new SourceError('source.key', `key column "${options.key}" does not exist in table ${label}`);
  } else {
    keyColumn = await singlePrimaryKey(client, info.oid);
  }

  const limit = options.exactRowsLimit ?? EXACT_ROWS_LIMIT;
  const large = info.reltuples >= 0 ? info.reltuples >= limit : info.blocks >= EXACT_BLOCKS_LIMIT;
  const sampleRows = Math.max(1, options.sampleRows ?? SAMPLE_ROWS);
  const estimatedRows = large
    ? await sampledRowEstimate(client, table, where, info, sampleRows)
    : Number((await queryOne<{ n: string }>(client, `select count(*) as n from ${table} where ${where}`)).rows[0]?.n ?? 0);
  options.onEstimate?.(estimatedRows);
  const n = chunkCount(rule, estimatedRows);

  if (keyColumn === null) {
    if (info.relkind !== 'r' && info.relkind !== 'm') {
      throw new SourceError(
        'source.key',
        `table ${label} has no usable key and cannot be split by blocks (relkind ${info.relkind}): name a key`,
      );
    }
    return { chunks: blockChunks(info.blocks, n, estimatedRows), key: null, keyType: null, estimatedRows, method: 'blocks', exact: false };
  }

  const chunks = await quantileChunks(
    client,
    large ? { table, percent: samplePercent(sampleRows, n, info.reltuples) } : { table },
    keyColumn.name,
    where,
    n,
    estimatedRows,
  );
  if (large) return { chunks, key: keyColumn.name, keyType: keyColumn.type, estimatedRows, method: 'quantiles', exact: false };
  const counted = await countChunkRows(client, table, keyColumn.name, keyColumn.type, where, chunks);
  return { chunks: counted, key: keyColumn.name, keyType: keyColumn.type, estimatedRows, method: 'quantiles', exact: true };
}

/**
 * A query's chunks: quantiles of its key over all its rows (counted exactly: a query has no statistics to sample by).
 * The key must be a column of the query's result.
 */
async function planQueryChunks(
  client: pg.ClientBase,
  query: string,
  rule: ChunkRule,
  keyName: string | undefined,
  onEstimate: ((estimatedRows: number) => void) | undefined,
): Promise<ChunkPlan> {
  if (keyName === undefined) throw new SourceError('source.key', 'a query needs a key column to split on');
  const from = wrapQuery(query);
  const probe = await queryOne(client, `select * from ${from} limit 0`);
  const field = probe.fields.find((f) => f.name === keyName);
  if (!field) throw new SourceError('source.key', `key column "${keyName}" is not a column of the query's result`);
  const { rows: typeRows } = await client.query<{ type: string }>('select format_type($1::oid, $2::int) as type', [
    field.dataTypeID,
    field.dataTypeModifier,
  ]);
  const estimatedRows = Number((await queryOne<{ n: string }>(client, `select count(*) as n from ${from}`)).rows[0]?.n ?? 0);
  onEstimate?.(estimatedRows);
  const n = chunkCount(rule, estimatedRows);
  const keyType = typeRows[0]!.type;
  const chunks = await countChunkRows(
    client,
    from,
    keyName,
    keyType,
    'true',
    await quantileChunks(client, { table: from }, keyName, 'true', n, estimatedRows),
  );
  return { chunks, key: keyName, keyType, estimatedRows, method: 'quantiles', exact: true };
}

/**
 * The rows each key chunk reads, counted in one scan: `width_bucket` puts each key in the chunk whose `[lower, upper)`
 * holds it (the chunks' own predicates, in the key type's order), NULL keys in the last chunk.
 */
async function countChunkRows(
  client: pg.ClientBase,
  from: string,
  keyName: string,
  keyType: string,
  where: string,
  chunks: Chunk[],
): Promise<Chunk[]> {
  if (chunks.length < 2) return chunks;
  const bounds = chunks.slice(1).map((c) => (c.kind === 'key' ? c.lower : null));
  const key = quoteIdent(keyName);
  const { rows } = await client.query<{ chunk: number; n: string }>(
    `select coalesce(width_bucket(${key}, $1::${keyType}[]), $2::int) as chunk, count(*) as n
       from ${from} where ${where} group by 1`,
    [bounds, chunks.length - 1],
  );
  const counts = new Map(rows.map((r) => [Number(r.chunk), Number(r.n)]));
  return chunks.map((c, i) => ({ ...c, estimatedRows: counts.get(i) ?? 0 }));
}

/** The share of a table to sample for about `sampleRows` rows (at least 100 per chunk). */
function samplePercent(sampleRows: number, n: number, reltuples: number): number {
  return Math.min(100, (100 * Math.max(sampleRows, n * 100)) / Math.max(1, reltuples));
}

/**
 * `n` key chunks of about equal row counts from the key's quantiles over `from` (all of it, or a `tablesample` of
 * `percent`, grown when the sample comes back empty). Equal quantiles merge.
 */
async function quantileChunks(
  client: pg.ClientBase,
  from: { table: string; percent?: number },
  keyName: string,
  where: string,
  n: number,
  estimatedRows: number,
): Promise<Chunk[]> {
  const key = quoteIdent(keyName);
  // Fractions 0, 1/n, ..., (n-1)/n: the 0-quantile is the minimum, dropped below so no chunk is empty
  // because of it.
  const fractions = Array.from({ length: n }, (_, i) => i / n);
  let values: (string | null)[] | null = null;
  if (n > 1) {
    if (from.percent === undefined) {
      values = await quantiles(client, from.table, key, where, fractions);
    } else {
      // A sample of about sampleRows rows; grown if it happens to come back empty.
      let percent = from.percent;
      for (;;) {
        values = await quantiles(client, `${from.table} tablesample system (${percent.toPrecision(6)})`, key, where, fractions);
        if ((values !== null && values[0] !== null) || percent >= 100) break;
        percent = Math.min(100, percent * 10);
      }
    }
  }

  // Distinct boundaries in key order (percentile_disc returns them ascending); each remembers the
  // fraction where it first appears, which sizes the chunks' row estimates.
  const boundaries: string[] = [];
  const startFraction: number[] = [0];
  if (values !== null && values[0] != null) {
    let previous: string = values[0];
    for (let i = 1; i < values.length; i++) {
      const v = values[i];
      if (v == null || v === previous) continue;
      boundaries.push(v);
      startFraction.push(fractions[i] ?? 1);
      previous = v;
    }
  }
  startFraction.push(1);
  const perChunk = boundaries.map((_, i) => ((startFraction[i + 1] ?? 1) - (startFraction[i] ?? 0)) * estimatedRows);
  perChunk.push((1 - (startFraction[boundaries.length] ?? 0)) * estimatedRows);
  return keyChunksFromBoundaries(keyName, boundaries, perChunk);
}

async function tableInfo(client: pg.ClientBase, name: string, quoted: string): Promise<TableInfo> {
  const { rows } = await client.query<{ oid: string | null; relkind: string; reltuples: number; blocks: string }>(
    `select c.oid::text as oid, c.relkind, c.reltuples::float8 as reltuples,
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::text as blocks
       from pg_class c where c.oid = to_regclass($1)`,
    [quoted],
  );
  const row = rows[0];
  if (row === undefined || row.oid === null) throw new SourceError('source.table', `table ${name} does not exist`);
  return { oid: row.oid, relkind: row.relkind, reltuples: Number(row.reltuples), blocks: Number(row.blocks) };
}

async function columnOf(client: pg.ClientBase, oid: string, column: string): Promise<{ name: string; type: string } | null> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
       from pg_attribute a
      where a.attrelid = $1::oid and a.attname = $2 and a.attnum > 0 and not a.attisdropped`,
    [oid, column],
  );
  return rows[0] ?? null;
}

async function singlePrimaryKey(client: pg.ClientBase, oid: string): Promise<{ name: string; type: string } | null> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
       from pg_index i
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
      where i.indrelid = $1::oid and i.indisprimary and i.indnkeyatts = 1`,
    [oid],
  );
  return rows[0] ?? null;
}

/** Rows matching `where` in a large table: reltuples scaled by the share matching in a sample. */
async function sampledRowEstimate(
  client: pg.ClientBase,
  table: string,
  where: string,
  info: TableInfo,
  sampleRows: number,
): Promise<number> {
  const total = info.reltuples >= 0 ? info.reltuples : info.blocks * 100; // unanalysed: a rough guess
  if (where === 'true' && info.reltuples >= 0) return Math.round(total);
  const percent = Math.min(100, (100 * sampleRows) / Math.max(1, total));
  const { rows } = await queryOne<{ sampled: string; matching: string }>(
    client,
    `select count(*) as sampled, count(*) filter (where ${where}) as matching
       from ${table} tablesample system (${percent.toPrecision(6)})`,
  );
  const sampled = Number(rows[0]?.sampled ?? 0);
  const matching = Number(rows[0]?.matching ?? 0);
  if (sampled === 0) return Math.round(total);
  return info.reltuples >= 0 ? Math.round((total * matching) / sampled) : Math.round((matching * 100) / percent);
}

/** percentile_disc of the key at each fraction, as text; null when no row has a key. */
async function quantiles(
  client: pg.ClientBase,
  from: string,
  key: string,
  where: string,
  fractions: number[],
): Promise<(string | null)[] | null> {
  const { rows } = await client.query<{ q: (string | null)[] | null }>(
    `select (percentile_disc($1::float8[]) within group (order by ${key}))::text[] as q
       from ${from} where ${where} and ${key} is not null`,
    [fractions],
  );
  return rows[0]?.q ?? null;
}
