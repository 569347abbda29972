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
import type { Plan } from './plan.js';

/** SQLSTATE classes of a source that is wrong (syntax, missing objects, types, privileges), not unavailable. */
const INPUT_CLASSES = new Set(['0A', '22', '25', '28', '3F', '42']);

/**
 * Plans an extract, before any data moves: exports a snapshot and, inside it, reads the source's columns (every one
 * must have a Parquet mapping), checks that the statement is one read-only SELECT, and splits the rows into chunks
 * balanced by row count. The snapshot stays open for the job (the plan's lease) so every chunk reads the same data.
 */
export async function planExtract(
  jobId: string,
  spec: SqlExtractSpec,
  ctx: { source: () => pg.Pool; snapshots: SnapshotRegistry },
): Promise<Plan> {
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
    const chunking = await planChunks(client, source, rule, optional('key', source.key));
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
 * One statement that only reads: EXPLAIN through the extended protocol refuses several statements, and a plan that
 * writes (INSERT/UPDATE/DELETE/MERGE, also inside a WITH) is refused here with the field named.
 */
async function checkReadOnlySelect(client: pg.ClientBase, select: string, isQuery: boolean): Promise<void> {
  const field = isQuery ? 'source.query' : 'source.where';
  let plan: unknown;
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': unknown }>({
      text: `explain (format json) ${select}`,
      queryMode: 'extended',
    } as pg.QueryConfig);
    plan = rows[0]?.['QUERY PLAN'];
  } catch (err) {
    const message = (err as Error).message;
    const text = /multiple commands/.test(message) ? 'must be a single statement' : `is not a valid read-only SELECT: ${message}`;
    throw new ValidationError(`${field} ${text}`, [{ path: field, message: text }]);
  }
  if (JSON.stringify(plan).includes('"Node Type":"ModifyTable"')) {
    const text = 'must only read, but it writes (INSERT, UPDATE, DELETE or MERGE)';
    throw new ValidationError(`${field} ${text}`, [{ path: field, message: text }]);
  }
}

/** A source the spec got wrong is a 400 naming the field; a source that is unavailable a 503. */
function asInputError(err: unknown, spec: SqlExtractSpec): unknown {
  if (err instanceof ValidationError || err instanceof TransientError) return err;
  const message = (err as Error).message;
  const fallbackField = 'table' in spec.source ? 'source.table' : 'source.query';
  if (err instanceof UnmappedTypeError) {
    const path = 'table' in spec.source && spec.source.columns ? 'source.columns' : fallbackField;
    return new ValidationError(`${path}: ${message}`, [{ path, message }]);
  }
  if (err instanceof SourceError) return new ValidationError(`${err.field}: ${message}`, [{ path: err.field, message }]);
  const code = (err as { code?: unknown }).code;
  if (code === '25006') {
    // read_only_sql_transaction: planning ran the query in the read-only snapshot and it tried to write.
    return new ValidationError(`${fallbackField} must only read: ${message}`, [
      { path: fallbackField, message: `must only read: ${message}` },
    ]);
  }
  if (typeof code === 'string' && INPUT_CLASSES.has(code.slice(0, 2))) {
    // An error of the condition or the query itself was already reported against its field by checkReadOnlySelect.
    return new ValidationError(`${fallbackField}: ${message}`, [{ path: fallbackField, message }]);
  }
  // Other SQLSTATEs (connection, resources, shutdown) and socket errors: another try may succeed.
  if (typeof code === 'string') return new TransientError(`the source database could not be planned: ${message}`, err);
  return err;
}
