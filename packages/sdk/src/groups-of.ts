import {
  PartitaError,
  PermanentError,
  TransientError,
  ValidationError,
  checkCondition,
  checkQuery,
  parseTableName,
  quoteIdent,
  quoteTable,
  wrapCondition,
  wrapQuery,
  type FunctionCall,
} from '@partita/contracts';
import {
  callsThatMayWrite,
  classifyPgError,
  describeColumns,
  openChunkTransaction,
  planColumns,
  queryOne,
  readGroups,
  safePgMessage,
  SourceError,
  UnmappedTypeError,
  type ColumnPlan,
  type RowValue,
  type SourceGroup,
} from '@partita/extract';
import { z } from 'zod';
import type { InputPlan, OpenContext, PlanContext } from './context.js';
import type { Input } from './input.js';
import { overLimit } from './limits.js';

/** Where groups are read: a table (with an optional condition), or one read-only SELECT. */
export type GroupSource = { table: string; schema?: string | undefined; where?: string | undefined } | { query: string };

/** One group as `run` gets it: its key (the grouping columns' values) and all its rows. */
export interface Group {
  key: Record<string, unknown>;
  rows: Record<string, RowValue>[];
}

/** A partition's groups, streamed: one whole group in memory at a time. */
export interface Groups {
  /** How many groups the partition holds. */
  groupCount: number;
  groups: AsyncIterable<Group>;
}

export interface GroupsOfOptions<S> {
  source: (spec: S) => GroupSource;
  /** The grouping columns. */
  by: (spec: S) => readonly string[];
  /** Columns read (tables only); default: all. */
  columns?: (spec: S) => readonly string[] | undefined;
  /** A group's estimated work from its rows. Default: its rows. */
  cost?: (rows: number, spec: S) => number;
  /** A group larger than this is refused when the job is planned, naming its key and size. Default 1,000,000 rows. */
  maxGroupRows?: (spec: S) => number;
  /** The statement timeout of a partition's read, in ms. Default 1 hour. */
  statementTimeoutMs?: (spec: S) => number;
  /** The spec field that holds the source, for error messages. Default `input`. */
  path?: string;
  /** TIMESTAMP_MICROS values as `Date` (milliseconds, the default) or as bigint microseconds since the epoch (exact). */
  timestamps?: 'date' | 'micros';
}

export const DEFAULT_MAX_GROUP_ROWS = 1_000_000;

/** How a partition's groups travel in its queue message: their keys, as JSON arrays of the grouping columns' values. */
const GroupKeys = z.strictObject({ keys: z.array(z.string().min(2)).min(1) });

/** What planning records for the workers: the snapshot, the grouping and the planned columns. */
interface GroupDetails {
  snapshot: string;
  groups: { by: string[]; columns: ColumnPlan[] };
}

/** The grouping columns as one key expression: `jsonb_build_array("a", "b")::text`. */
const keyExpression = (by: readonly string[]) => `jsonb_build_array(${by.map(quoteIdent).join(', ')})::text`;

/**
 * The groups of a PostgreSQL table or read-only query, grouped by one or more columns: one unit per group, costing
 * its rows (or `cost(rows)`). The master counts every group's rows in a snapshot it exports for the job, refuses a
 * group over `maxGroupRows` (naming its key and size: no out-of-memory later) and lets the partitioner pack groups by
 * size. Each partition reads its groups in that snapshot with one binary COPY, ordered by group, and `run` gets them
 * one whole group at a time (`for await (const group of partition.groups)`).
 */
export function groupsOf<S>(options: GroupsOfOptions<S>): Input<S, Groups> {
  const path = options.path ?? 'input';
  return {
    type: 'groups',
    fixed: false,
    plan: (spec, ctx) => planGroups(spec, ctx, options, path),
    open: (ref, spec, ctx) => openGroups(ref, spec, ctx, options),
  };
}

/** The FROM and WHERE of a source, checked by PostgreSQL's parser; a bad one is a 400 naming its field. */
function sourceSql(source: GroupSource, path: string): { from: string; where?: string; calls: FunctionCall[] } {
  const refuse = (field: string, message: string) =>
    new ValidationError(`${path}.${field}: ${message}`, [{ path: `${path}.${field}`, message }]);
  if ('query' in source) {
    const verdict = checkQuery(source.query);
    if (verdict.problem !== null) throw refuse('query', verdict.problem);
    return { from: wrapQuery(source.query), calls: verdict.functions };
  }
  if (source.schema === undefined && parseTableName(source.table) === null) throw refuse('table', 'is not a table name');
  const from = quoteTable(source);
  if (source.where === undefined) return { from, calls: [] };
  const verdict = checkCondition(source.where);
  if (verdict.problem !== null) throw refuse('where', verdict.problem);
  return { from, where: wrapCondition(source.where), calls: verdict.functions };
}

async function planGroups<S>(spec: S, ctx: PlanContext, options: GroupsOfOptions<S>, path: string): Promise<InputPlan> {
  const source = options.source(spec);
  const by = [...options.by(spec)];
  const { from, where, calls } = sourceSql(source, path);
  const maxGroupRows = options.maxGroupRows?.(spec) ?? DEFAULT_MAX_GROUP_ROWS;
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
    const columnsWanted = options.columns?.(spec);
    const described = await describeColumns(
      client,
      'query' in source
        ? source
        : { schema: source.schema, table: source.table, ...(columnsWanted ? { columns: [...columnsWanted] } : {}) },
    );
    const columns = planColumns(described);
    const missing = by.filter((b) => !described.some((c) => c.name === b));
    if (missing.length > 0) {
      const message = `grouping column ${missing.join(', ')} is not among the source's columns (${described.map((c) => c.name).join(', ')})`;
      throw new ValidationError(`${path}.by: ${message}`, [{ path: `${path}.by`, message }]);
    }
    const key = keyExpression(by);
    const { rows } = await queryOne<{ key: string; n: string }>(
      client,
      `select ${key} as key, count(*) as n from ${from}${where ? ` where ${where}` : ''} group by 1 order by 1 limit ${ctx.limits.units + 1}`,
    );
    if (rows.length > ctx.limits.units) {
      throw overLimit(path, `the source holds more than ${ctx.limits.units.toLocaleString('en-US')} groups`, {
        value: ctx.limits.units,
        noun: 'groups',
        setting: 'MAX_GROUPS_PER_JOB',
      });
    }
    if (rows.length === 0) throw new ValidationError(`${path}: the source has no rows`, [{ path, message: 'the source has no rows' }]);
    const tooLarge = rows.filter((r) => Number(r.n) > maxGroupRows);
    if (tooLarge.length > 0) {
      const named = tooLarge
        .slice(0, 3)
        .map((r) => `${describeKey(by, r.key)} holds ${Number(r.n).toLocaleString('en-US')} rows`)
        .join('; ');
      const message = `${tooLarge.length} group(s) over ${maxGroupRows.toLocaleString('en-US')} rows (maxGroupRows): ${named}; a group is handed to the kind whole, in memory`;
      throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
    }
    const details: GroupDetails = { snapshot: snapshot.id, groups: { by, columns } };
    return {
      units: rows.map((r) => {
        const n = Number(r.n);
        return { key: r.key, cost: Math.max(0, options.cost ? options.cost(n, spec) : n), items: 1 };
      }),
      encode: (indices) => ({ keys: indices.map((i) => rows[i]!.key) }),
      details: details as unknown as Record<string, unknown>,
      lease: { keep: (jobId) => ctx.keepSnapshot(jobId, snapshot), release: () => snapshot.release() },
    };
  } catch (err) {
    await snapshot.release();
    if (err instanceof ValidationError || err instanceof TransientError) throw err;
    const state = (err as { code?: unknown }).code;
    // A missing table or column, a type Parquet cannot hold, a query PostgreSQL refuses: the spec's mistake.
    if (err instanceof SourceError || err instanceof UnmappedTypeError || (typeof state === 'string' && /^(42|22|3F|0A)/.test(state))) {
      const message = safePgMessage(err);
      throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
    }
    throw classifyPgError(err);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
}

/** `{"customer_id":42}` from the key's JSON array, for messages. */
function describeKey(by: readonly string[], key: string): string {
  const values = JSON.parse(key) as unknown[];
  return JSON.stringify(Object.fromEntries(by.map((b, i) => [b, values[i]])));
}

function openGroups<S>(ref: unknown, spec: S, ctx: OpenContext, options: GroupsOfOptions<S>): Groups {
  const parsed = GroupKeys.safeParse(ref);
  if (!parsed.success) throw new PermanentError(`partition message: groups ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  const details = ctx.details as unknown as GroupDetails | null;
  if (!details?.groups) throw new PermanentError(`job ${ctx.jobId} has no recorded grouping`);
  const { by, columns } = details.groups;
  const { from, where } = sourceSql(options.source(spec), options.path ?? 'input');
  const keys = parsed.data.keys;
  return {
    groupCount: keys.length,
    groups: {
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
        let delivered = 0;
        let complete = false;
        try {
          const { ownSnapshot } = await openChunkTransaction(
            client,
            details.snapshot,
            options.statementTimeoutMs?.(spec) ?? 3_600_000,
            ctx.log,
          );
          const read = readGroups(
            client,
            { from, where, columns, keyExpression: keyExpression(by), keys, timestamps: options.timestamps },
            ctx.signal,
          );
          for await (const group of read) {
            delivered++;
            yield toGroup(by, group);
          }
          if (delivered !== keys.length && !ownSnapshot) {
            throw new PermanentError(`read ${delivered} of the partition's ${keys.length} groups in the job's snapshot`);
          }
          complete = true;
          await client.query('rollback');
        } catch (err) {
          broken = err as Error;
          throw classifyPgError(err);
        } finally {
          client.off('error', onError);
          // Stopped early or failed: the connection may be mid-COPY; it is closed rather than reused.
          client.release(complete ? broken : (broken ?? new Error('the groups were not all read')));
        }
      },
    },
  };
}

function toGroup(by: readonly string[], group: SourceGroup): Group {
  const values = JSON.parse(group.key) as unknown[];
  return { key: Object.fromEntries(by.map((b, i) => [b, values[i]])), rows: group.rows };
}
