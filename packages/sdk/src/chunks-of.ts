import {
  PartitaError,
  PermanentError,
  TransientError,
  ValidationError,
  checkCondition,
  checkQuery,
  parseTableName,
  type FunctionCall,
} from '@partita/contracts';
import {
  SourceError,
  UnmappedTypeError,
  buildChunkSelect,
  callsThatMayWrite,
  classifyPgError,
  describeColumns,
  openChunkTransaction,
  planChunks,
  planColumns,
  readRowBatches,
  safePgMessage,
  type Chunk,
  type ColumnPlan,
  type RowValue,
} from '@partita/extract';
import { z } from 'zod';
import type { InputPlan, OpenContext, PlanContext } from './context.js';
import type { Input } from './input.js';
import { overLimit } from './limits.js';

/** What a table or query is split into: a number of chunks, or chunks of about so many rows. */
export type ChunkCount = { count: number } | { rowsPerChunk: number };

/** Where chunks are read: a table (with an optional condition and key), or one read-only SELECT with its key. */
export type ChunkSource =
  { table: string; schema?: string | undefined; where?: string | undefined; key?: string | undefined } | { query: string; key: string };

/** A partition's rows, streamed in batches: one batch in memory at a time. */
export interface ChunkRows {
  /** The rows the planner counted (or estimated) for this chunk. */
  estimatedRows: number;
  rows: AsyncIterable<Record<string, RowValue>[]>;
}

export interface ChunksOfOptions<S> {
  source: (spec: S) => ChunkSource;
  chunks: (spec: S) => ChunkCount;
  /** Rows per batch handed to `run`. Default 10,000. */
  batchRows?: number;
  /** The statement timeout of a partition's read, in ms. Default 1 hour. */
  statementTimeoutMs?: (spec: S) => number;
  /** The spec field that holds the source, for error messages. Default `source`. */
  path?: string;
}

const ChunkRef = z.strictObject({
  chunk: z.custom<Chunk>((v) => typeof v === 'object' && v !== null && 'kind' in v, 'must be a planned chunk'),
});

interface ChunkDetails {
  snapshot: string;
  chunks: { columns: ColumnPlan[]; keyType: string | null };
}

/**
 * A table or read-only query split into chunks balanced by rows, as the extract splits it (key ranges from the key's
 * quantiles, or heap block ranges): one partition per chunk (the input makes the partitions itself). The master plans
 * in a snapshot it exports for the job; each partition reads its chunk in that snapshot with one binary COPY, and
 * `run` gets the rows in batches (`for await (const batch of partition.rows)`).
 */
export function chunksOf<S>(options: ChunksOfOptions<S>): Input<S, ChunkRows> {
  const path = options.path ?? 'source';
  return {
    type: 'chunks',
    fixed: true,
    plan: (spec, ctx) => planChunksOf(spec, ctx, options, path),
    open: (ref, spec, ctx) => openChunk(ref, spec, ctx, options),
  };
}

/** The source checked by PostgreSQL's parser: a bad one is a 400 naming its field. */
function checkSource(source: ChunkSource, path: string): FunctionCall[] {
  const refuse = (field: string, message: string) =>
    new ValidationError(`${path}.${field}: ${message}`, [{ path: `${path}.${field}`, message }]);
  if ('query' in source) {
    const verdict = checkQuery(source.query);
    if (verdict.problem !== null) throw refuse('query', verdict.problem);
    return verdict.functions;
  }
  if (source.schema === undefined && parseTableName(source.table) === null) throw refuse('table', 'is not a table name');
  if (source.where === undefined) return [];
  const verdict = checkCondition(source.where);
  if (verdict.problem !== null) throw refuse('where', verdict.problem);
  return verdict.functions;
}

/** The source as the extract's chunk planner and chunk select take it (they wrap the condition themselves). */
function selectSource(source: ChunkSource) {
  if ('query' in source) return source;
  return { table: source.table, schema: source.schema, ...(source.where !== undefined ? { where: source.where } : {}) };
}

async function planChunksOf<S>(spec: S, ctx: PlanContext, options: ChunksOfOptions<S>, path: string): Promise<InputPlan> {
  const source = options.source(spec);
  const calls = checkSource(source, path);
  const count = options.chunks(spec);
  if ('count' in count && count.count > ctx.limits.partitions) {
    throw overLimit(`${path}`, `${count.count.toLocaleString('en-US')} chunks`, {
      value: ctx.limits.partitions,
      noun: 'partitions',
      setting: 'MAX_PARTITIONS_PER_JOB',
    });
  }
  const snapshot = await ctx.exportSnapshot().catch((err: unknown) => {
    if (err instanceof PartitaError) throw err; // a limit of the master's
    throw new TransientError(`the source database is unavailable: ${safePgMessage(err)}`, err);
  });
  const abort = (): void => void snapshot.terminate();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    const { client } = snapshot;
    await client.query(`set local statement_timeout = ${Math.trunc(ctx.limits.planTimeoutMs)}`);
    const writers = await callsThatMayWrite(client, calls);
    if (writers.length > 0) {
      const field = `${path}.${'query' in source ? 'query' : 'where'}`;
      const message = `must only read, but it calls ${writers.join(', ')}, which may write or change the session`;
      throw new ValidationError(`${field}: ${message}`, [{ path: field, message }]);
    }
    const columns = planColumns(await describeColumns(client, 'query' in source ? source : { schema: source.schema, table: source.table }));
    const planSource = selectSource(source);
    const chunking = await planChunks(
      client,
      planSource,
      'count' in count ? { chunks: count.count } : { rowsPerChunk: count.rowsPerChunk },
      {
        ...(source.key !== undefined ? { key: source.key } : {}),
        onEstimate: (rows) => {
          if (rows > ctx.limits.rows) {
            throw overLimit(path, `the source holds about ${rows.toLocaleString('en-US')} rows`, {
              value: ctx.limits.rows,
              noun: 'rows',
              setting: 'MAX_ROWS_PER_JOB',
            });
          }
        },
      },
    );
    const details: ChunkDetails = { snapshot: snapshot.id, chunks: { columns, keyType: chunking.keyType } };
    return {
      units: chunking.chunks.map((c) => ({ key: String(c.index), cost: Math.max(1, c.estimatedRows), items: c.estimatedRows })),
      encode: (indices) => ({ chunk: chunking.chunks[indices[0]!]! }),
      details: details as unknown as Record<string, unknown>,
      lease: { keep: (jobId) => ctx.keepSnapshot(jobId, snapshot), release: () => snapshot.release() },
    };
  } catch (err) {
    await snapshot.release();
    if (err instanceof ValidationError || err instanceof TransientError) throw err;
    const state = (err as { code?: unknown }).code;
    if (err instanceof SourceError || err instanceof UnmappedTypeError || (typeof state === 'string' && /^(42|22|3F|0A)/.test(state))) {
      const message = safePgMessage(err);
      throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
    }
    throw classifyPgError(err);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
}

function openChunk<S>(ref: unknown, spec: S, ctx: OpenContext, options: ChunksOfOptions<S>): ChunkRows {
  const parsed = ChunkRef.safeParse(ref);
  if (!parsed.success) throw new PermanentError(`partition message: ${parsed.error.issues[0]?.message ?? 'malformed chunk'}`);
  const details = ctx.details as unknown as ChunkDetails | null;
  if (!details?.chunks) throw new PermanentError(`job ${ctx.jobId} has no recorded chunk plan`);
  const { chunk } = parsed.data;
  const sql = buildChunkSelect(selectSource(options.source(spec)), details.chunks.columns, chunk, details.chunks.keyType);
  return {
    estimatedRows: chunk.estimatedRows,
    rows: {
      async *[Symbol.asyncIterator]() {
        const client = await ctx
          .source()
          .connect()
          .catch((err: unknown) => {
            throw new TransientError(`cannot connect to the source database: ${(err as Error).message}`, err);
          });
        let broken: Error | undefined;
        const onError = (err: Error) => void (broken ??= err);
        client.on('error', onError);
        let complete = false;
        try {
          await openChunkTransaction(client, details.snapshot, options.statementTimeoutMs?.(spec) ?? 3_600_000, ctx.log);
          yield* readRowBatches(client, sql, details.chunks.columns, options.batchRows ?? 10_000, ctx.signal);
          complete = true;
          await client.query('rollback');
        } catch (err) {
          broken = err as Error;
          throw classifyPgError(err);
        } finally {
          client.off('error', onError);
          // Stopped early or failed: the connection may be mid-COPY; it is closed rather than reused.
          client.release(complete ? broken : (broken ?? new Error('the rows were not all read')));
        }
      },
    },
  };
}
