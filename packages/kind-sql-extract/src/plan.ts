import type pg from 'pg';
import {
  PartitaError,
  PlanTimeoutError,
  TransientError,
  ValidationError,
  type ExtractChunk,
  type ExtractDetails,
  type SqlExtractSpec,
} from '@partita/contracts';
import {
  SourceError,
  UnmappedTypeError,
  buildChunkSelect,
  callsThatMayWrite,
  describeColumns,
  planChunks,
  planColumns,
  safePgMessage,
  sourceFunctionCalls,
  sqlState,
  type ColumnPlan,
} from '@partita/extract';
import type { InputPlan, PlanContext, PlanLimits } from '@partita/sdk';
import { checkChunkCount, checkExtractRows, checkStatementTimeout } from './limits.js';

/**
 * SQLSTATE classes of a source that is wrong (syntax, missing objects, types, values, privileges, a statement too
 * complex or too deeply nested, an error it raised), not unavailable.
 */
const INPUT_CLASSES = new Set(['0A', '22', '25', '28', '3F', '42', '54', 'P0']);

/**
 * Plans an extract, before any data moves: exports a snapshot and, inside it, refuses a source that calls a function
 * which may write, reads the source's columns (every one must have a Parquet mapping), counts or estimates its rows
 * and splits them into chunks balanced by row count, within the per-job limits. Every statement runs under the
 * planning timeout, and is cancelled when `signal` aborts (the client went away, or planning took too long). The
 * snapshot stays open for the job (the plan's lease) so every chunk reads the same data; a refused plan releases it.
 */
export async function planExtract(spec: SqlExtractSpec, ctx: PlanContext): Promise<InputPlan> {
  checkChunkCount(spec, ctx.limits);
  checkStatementTimeout(spec, ctx.limits);
  ctx.signal.throwIfAborted();
  const snapshot = await ctx.exportSnapshot().catch((err: unknown) => {
    if (err instanceof PartitaError) throw err; // a limit of the master's
    throw new TransientError(`the source database is unavailable: ${safePgMessage(err)}`, err);
  });
  // Ends the snapshot's backend, whatever it runs: nothing keeps running for a plan nobody waits for.
  const abort = (): void => void snapshot.terminate();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    const { client } = snapshot;
    const source = spec.source;
    await client.query(`set local statement_timeout = ${Math.trunc(ctx.limits.planTimeoutMs)}`);
    await refuseWritingCalls(client, source);
    const database = (await client.query<{ db: string }>('select current_database() as db')).rows[0]!.db;
    const described = await describeColumns(
      client,
      'table' in source ? { schema: source.schema, table: source.table, ...optional('columns', source.columns) } : source,
    );
    const columns = planColumns(described, { numericAs: spec.casts.numericAs, columns: spec.casts.columns });
    // Every row of the source (a single chunk's condition is `true`): what the completeness check counts.
    const whole: ExtractChunk =
      'query' in source
        ? { index: 0, kind: 'key', key: source.key, lower: null, upper: null, estimatedRows: 0 }
        : { index: 0, kind: 'blocks', fromBlock: 0, toBlock: null, estimatedRows: 0 };
    const countSql = buildChunkSelect(source, columns, whole);
    const rule = 'count' in spec.chunks ? { chunks: spec.chunks.count } : { rowsPerChunk: spec.chunks.rowsPerChunk };
    const chunking = await planChunks(client, source, rule, {
      ...optional('key', source.key),
      onEstimate: (rows) => checkExtractRows(spec, rows, ctx.limits),
    });
    const chunks = chunking.chunks as ExtractChunk[];
    ctx.signal.throwIfAborted();
    // The completeness count runs in the snapshot while the job does: under the job's own statement timeout.
    await client.query(`set local statement_timeout = ${Math.trunc(spec.statementTimeoutMs)}`);

    const prefix = `${spec.output.prefix ?? spec.kind}/${spec.dataset.name}`;
    const details: ExtractDetails<ColumnPlan> = {
      database,
      method: chunking.method,
      key: chunking.key,
      keyType: chunking.keyType,
      estimatedRows: chunking.estimatedRows,
      chunkRows: chunks.map((c) => c.estimatedRows),
      chunkRowsExact: chunking.exact,
      columns,
      snapshot: snapshot.id,
      completeness: true,
    };
    return {
      units: chunks.map((chunk) => ({ key: String(chunk.index), cost: Math.max(1, chunk.estimatedRows), items: chunk.estimatedRows })),
      encode: (indices) => ({ chunk: chunks[indices[0]!]!, snapshot: snapshot.id }),
      prefix,
      details,
      lease: {
        keep: (id) => ctx.keepSnapshot(id, snapshot, countSql),
        release: () => snapshot.release(),
      },
    };
  } catch (err) {
    await snapshot.release();
    throw asInputError(err, spec, ctx);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/**
 * Refuses, naming the field, a source whose SQL calls a function that may write or change the session (nextval,
 * set_config, advisory locks, a VOLATILE function of the database's own: see source-functions.ts), before any
 * statement runs its text. The parser found every call (the spec's schema refused what is not one SELECT or one
 * condition); the reader role and the read-only transaction stop what a function hides inside.
 */
async function refuseWritingCalls(client: pg.ClientBase, source: SqlExtractSpec['source']): Promise<void> {
  const writers = await callsThatMayWrite(client, sourceFunctionCalls(source));
  if (writers.length === 0) return;
  const field = 'query' in source ? 'source.query' : 'source.where';
  const text =
    `must only read, but it calls ${writers.join(', ')}, which may write or change the session (a VOLATILE or PARALLEL ` +
    'UNSAFE function): sources are read in a read-only transaction, with functions that cannot change anything';
  throw new ValidationError(`${field} ${text}`, [{ path: field, message: text }]);
}

/**
 * A source the spec got wrong is a 400 naming the field; one too expensive to plan a 408; one unavailable a 503.
 * Database messages that could quote values the source read are not passed on (see safePgMessage).
 */
function asInputError(err: unknown, spec: SqlExtractSpec, ctx: { signal: AbortSignal; limits: PlanLimits }): unknown {
  if (err instanceof PartitaError) return err;
  const source = spec.source;
  const field = 'query' in source ? 'source.query' : source.where ? 'source.where' : 'source.table';
  const timedOut = (ctx.signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
  const code = sqlState(err);
  if (timedOut || (code === '57014' && !ctx.signal.aborted)) {
    const text = `took longer to plan than this master allows (PLAN_TIMEOUT_MS, ${ctx.limits.planTimeoutMs} ms): the source is too expensive to count and split; simplify it or add a condition`;
    return new PlanTimeoutError(`${field} ${text}`, [{ path: field, message: text }]);
  }
  if (ctx.signal.aborted) return new TransientError('planning was abandoned: the client went away', err);
  const message = safePgMessage(err);
  if (err instanceof UnmappedTypeError) {
    const path = 'query' in source ? 'source.query' : source.columns ? 'source.columns' : 'source.table';
    return new ValidationError(`${path}: ${message}`, [{ path, message }]);
  }
  if (err instanceof SourceError) return new ValidationError(`${err.field}: ${message}`, [{ path: err.field, message }]);
  // Beyond the checks above, what fails while planning runs the statement is the query, or the table's condition.
  if (code === '25006') {
    // read_only_sql_transaction: planning ran the query in the read-only snapshot and it tried to write.
    return new ValidationError(`${field} must only read: ${message}`, [{ path: field, message: `must only read: ${message}` }]);
  }
  if (code !== null && INPUT_CLASSES.has(code.slice(0, 2))) {
    return new ValidationError(`${field}: ${message}`, [{ path: field, message }]);
  }
  // Other SQLSTATEs (connection, resources, shutdown) and socket errors: another try may succeed.
  if (code !== null || typeof (err as { code?: unknown }).code === 'string') {
    return new TransientError(`the source database could not be planned: ${message}`, err);
  }
  return err;
}
