import type pg from 'pg';
import {
  TransientError,
  ValidationError,
  type ExtractChunk,
  type ExtractDetails,
  type SqlExtractPartitionPayload,
  type SqlExtractSpec,
} from '@partita/contracts';
import {
  SourceError,
  UnmappedTypeError,
  buildChunkSelect,
  describeColumns,
  planChunks,
  planColumns,
  type ColumnPlan,
} from '@partita/extract';
import { exportSnapshot, type SnapshotRegistry } from '../extract/snapshots.js';
import { checkChunkCount, checkExtractRows, type JobLimits } from './limits.js';
import type { Plan } from './plan.js';
import { callsThatMayWrite, calledFunctions } from './source-functions.js';

/**
 * SQLSTATE classes of a source that is wrong (syntax, missing objects, types, privileges, a statement too complex or
 * too deeply nested), not unavailable.
 */
const INPUT_CLASSES = new Set(['0A', '22', '25', '28', '3F', '42', '54']);

/**
 * Plans an extract, before any data moves: exports a snapshot and, inside it, reads the source's columns (every one
 * must have a Parquet mapping), checks that the statement is one read-only SELECT, counts or estimates its rows and
 * splits them into chunks balanced by row count, within the per-job limits. The snapshot stays open for the job (the
 * plan's lease) so every chunk reads the same data; a refused plan releases it.
 */
export async function planExtract(
  jobId: string,
  spec: SqlExtractSpec,
  ctx: { source: () => pg.Pool; snapshots: SnapshotRegistry; limits: JobLimits },
): Promise<Plan> {
  checkChunkCount(spec, ctx.limits);
  const snapshot = await exportSnapshot(ctx.source()).catch((err: unknown) => {
    throw new TransientError(`the source database is unavailable: ${(err as Error).message}`, err);
  });
  try {
    const { client } = snapshot;
    const source = spec.source;
    const database = (await client.query<{ db: string }>('select current_database() as db')).rows[0]!.db;
    const described = await describeColumns(
      client,
      'table' in source ? { table: source.table, ...optional('columns', source.columns) } : source,
    );
    const columns = planColumns(described, { numericAs: spec.casts.numericAs, columns: spec.casts.columns });
    // Every row of the source (a single chunk's condition is `true`): checked to be one read-only SELECT before the
    // planner runs it, so that an error in the condition or the query is reported against that field.
    const whole: ExtractChunk =
      'query' in source
        ? { index: 0, kind: 'key', key: source.key, lower: null, upper: null, estimatedRows: 0 }
        : { index: 0, kind: 'blocks', fromBlock: 0, toBlock: null, estimatedRows: 0 };
    const countSql = buildChunkSelect(source, columns, whole);
    await checkReadOnlySelect(client, countSql, 'query' in source);
    const rule = 'count' in spec.chunks ? { chunks: spec.chunks.count } : { rowsPerChunk: spec.chunks.rowsPerChunk };
    const chunking = await planChunks(client, source, rule, {
      ...optional('key', source.key),
      onEstimate: (rows) => checkExtractRows(spec, rows, ctx.limits),
    });
    const chunks = chunking.chunks as ExtractChunk[];

    const prefix = `${spec.output.prefix ?? spec.kind}/${spec.dataset.name}`;
    const details: ExtractDetails<ColumnPlan> = {
      database,
      method: chunking.method,
      key: chunking.key,
      keyType: chunking.keyType,
      estimatedRows: chunking.estimatedRows,
      chunkRows: chunks.map((c) => c.estimatedRows),
      columns,
      snapshot: snapshot.id,
    };
    return {
      itemsTotal: chunks.reduce((a, c) => a + c.estimatedRows, 0),
      partitions: chunks.map((chunk) => {
        const payload: SqlExtractPartitionPayload = { kind: 'sql-extract', jobId, index: chunk.index, chunk, snapshot: snapshot.id };
        return { index: chunk.index, payload, items: chunk.estimatedRows, estimatedCost: Math.max(1, chunk.estimatedRows) };
      }),
      output: { container: spec.output.container, prefix },
      details,
      lease: {
        keep: (id) => ctx.snapshots.keep(id, snapshot, countSql),
        release: () => snapshot.release(),
      },
    };
  } catch (err) {
    await snapshot.release();
    throw asInputError(err, spec);
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/**
 * One statement that only reads, refused here with the field named before the planner runs it: EXPLAIN through the
 * extended protocol refuses several statements; a plan must not write (INSERT/UPDATE/DELETE/MERGE, also inside a WITH),
 * lock rows (FOR UPDATE/SHARE) or call a function that may write or change the session (nextval, set_config, advisory
 * locks, a VOLATILE function of the database's own: see source-functions.ts). The read-only transactions every read
 * runs in refuse the other writes (one hidden inside a function that is not VOLATILE, say) when they run.
 */
async function checkReadOnlySelect(client: pg.ClientBase, select: string, isQuery: boolean): Promise<void> {
  const field = isQuery ? 'source.query' : 'source.where';
  const refuse = (text: string): ValidationError => new ValidationError(`${field} ${text}`, [{ path: field, message: text }]);
  let plan: unknown;
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': unknown }>({
      text: `explain (verbose, format json) ${select}`,
      queryMode: 'extended',
    } as pg.QueryConfig);
    plan = rows[0]?.['QUERY PLAN'];
  } catch (err) {
    const message = (err as Error).message;
    throw refuse(/multiple commands/.test(message) ? 'must be a single statement' : `is not a valid read-only SELECT: ${message}`);
  }
  const nodes = JSON.stringify(plan);
  if (nodes.includes('"Node Type":"ModifyTable"')) throw refuse('must only read, but it writes (INSERT, UPDATE, DELETE or MERGE)');
  if (nodes.includes('"Node Type":"LockRows"')) throw refuse('must only read, but it locks rows (FOR UPDATE or FOR SHARE)');
  const writers = await callsThatMayWrite(client, calledFunctions(plan));
  if (writers.length > 0) {
    throw refuse(
      `must only read, but it calls ${writers.join(', ')}, which may write or change the session (a VOLATILE or PARALLEL UNSAFE ` +
        'function): sources are read in a read-only transaction, with functions that cannot change anything',
    );
  }
}

/** A source the spec got wrong is a 400 naming the field; a source that is unavailable a 503. */
function asInputError(err: unknown, spec: SqlExtractSpec): unknown {
  if (err instanceof ValidationError || err instanceof TransientError) return err;
  const message = (err as Error).message;
  const source = spec.source;
  if (err instanceof UnmappedTypeError) {
    const path = 'query' in source ? 'source.query' : source.columns ? 'source.columns' : 'source.table';
    return new ValidationError(`${path}: ${message}`, [{ path, message }]);
  }
  if (err instanceof SourceError) return new ValidationError(`${err.field}: ${message}`, [{ path: err.field, message }]);
  // Beyond the checks above, what fails while planning runs the statement is the query, or the table's condition.
  const field = 'query' in source ? 'source.query' : source.where ? 'source.where' : 'source.table';
  const code = (err as { code?: unknown }).code;
  if (code === '25006') {
    // read_only_sql_transaction: planning ran the query in the read-only snapshot and it tried to write.
    return new ValidationError(`${field} must only read: ${message}`, [{ path: field, message: `must only read: ${message}` }]);
  }
  if (typeof code === 'string' && INPUT_CLASSES.has(code.slice(0, 2))) {
    return new ValidationError(`${field}: ${message}`, [{ path: field, message }]);
  }
  // Other SQLSTATEs (connection, resources, shutdown) and socket errors: another try may succeed.
  if (typeof code === 'string') return new TransientError(`the source database could not be planned: ${message}`, err);
  return err;
}
