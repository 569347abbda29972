// A partition's rows read with one binary COPY and handed to the kind's code as items (whole groups, or batches of
// rows) one at a time: the COPY is read only as fast as the items are consumed.
import type pg from 'pg';
import { quoteLiteral } from '@partita/contracts';
import { copyChunk } from './copy-chunk.js';
import { RowCapture, type RowCaptureOptions, type RowValue } from './row-capture.js';
import type { ColumnPlan } from './type-map.js';

/** One group: its key (a JSON array of the grouping columns' values, as text) and all its rows. */
export interface SourceGroup {
  key: string;
  rows: Record<string, RowValue>[];
}

export interface GroupQuery {
  /** What rows are read from: a quoted table, or a wrapped query (`(…) q`). */
  from: string;
  /** A condition on those rows (already wrapped), or none. */
  where?: string | undefined;
  /** The columns handed to the kind, as planned. */
  columns: readonly ColumnPlan[];
  /** The SQL expression of a row's group key: `jsonb_build_array(a, b)::text`. */
  keyExpression: string;
  /** The keys of the groups to read. */
  keys: readonly string[];
  /** How TIMESTAMP_MICROS values come (see RowCaptureOptions). Default `Date`. */
  timestamps?: RowCaptureOptions['timestamps'];
}

const KEY_COLUMN = '__partita_group';

/** The COPY's SELECT: the columns, the key last; only the given groups, each group's rows together. */
export function groupSelect(q: GroupQuery): string {
  const keyPlan = `${q.keyExpression} as ${KEY_COLUMN}`;
  const inKeys = `${q.keyExpression} in (${q.keys.map(quoteLiteral).join(', ')})`;
  const where = q.where ? `${q.where} and ${inKeys}` : inKeys;
  return `select ${[...q.columns.map((c) => c.select), keyPlan].join(', ')} from ${q.from} where ${where} order by ${KEY_COLUMN}`;
}

/**
 * What a COPY's rows become: `row` takes each row's values and returns an item when one is complete (handed over
 * before the next row is decoded); `end` returns the last one.
 */
export interface ItemCollector<T> {
  row(values: RowValue[]): T | null;
  end(): T | null;
}

/**
 * Runs `COPY (<sql>) TO STDOUT (FORMAT binary)` on `client` (inside the caller's transaction), decodes the rows of
 * `plans` with the extract's decoders, and yields the items `collect` makes of them, one at a time: the COPY is read
 * only as fast as the items are consumed. Stopping early (a `break`, an error in the consumer) aborts the COPY: the
 * client is then mid-COPY and must be discarded. Rows decoded must equal the rows PostgreSQL says it sent.
 */
export async function* copyItems<T>(
  client: pg.ClientBase,
  sql: string,
  plans: readonly ColumnPlan[],
  collect: ItemCollector<T>,
  signal: AbortSignal,
  options: RowCaptureOptions = {},
): AsyncGenerator<T> {
  // The hand-over: the producer waits in `flush` until the consumer took the ready item and asked for the next.
  const state: {
    ready: T | null;
    taken: (() => void) | null;
    wake: (() => void) | null;
    finished: boolean;
    failure: { error: unknown } | null;
  } = {
    ready: null,
    taken: null,
    wake: null,
    finished: false,
    failure: null,
  };
  let complete: T | null = null;
  const hand = (item: T): Promise<void> =>
    new Promise<void>((resolve) => {
      state.ready = item;
      state.taken = resolve;
      state.wake?.();
    });
  const capture = new RowCapture(
    plans,
    (values) => (complete = collect.row(values)) !== null,
    () => hand(complete!),
    options,
  );
  const stop = new AbortController();
  const copying = copyChunk(client, {
    sql,
    columns: plans,
    maxRowsPerFile: Number.MAX_SAFE_INTEGER,
    openFile: () => capture,
    closeFile: async () => {
      const last = collect.end();
      if (last !== null) await hand(last);
    },
    signal: AbortSignal.any([signal, stop.signal]),
  }).then((result) => {
    if (result.rows !== result.copyRows) throw new Error(`read ${result.rows} rows but PostgreSQL sent ${result.copyRows}`);
  });
  copying.then(
    () => {
      state.finished = true;
      state.wake?.();
    },
    (err: unknown) => {
      state.failure = { error: err };
      state.finished = true;
      state.wake?.();
    },
  );
  try {
    for (;;) {
      while (state.ready === null && !state.finished) await new Promise<void>((resolve) => (state.wake = resolve));
      state.wake = null;
      const item = state.ready;
      if (item !== null) {
        const resume = state.taken;
        state.ready = null;
        state.taken = null;
        yield item;
        resume?.();
        continue;
      }
      if (state.failure) throw state.failure.error;
      return;
    }
  } finally {
    if (!state.finished) {
      stop.abort(new DOMException('the rows were not all read', 'AbortError'));
      state.taken?.();
      await copying.catch(() => undefined);
    }
  }
}

/** A row of `plans`' values as an object, by column name. */
function rowObject(names: readonly string[]): (values: RowValue[]) => Record<string, RowValue> {
  return (values) => {
    const row: Record<string, RowValue> = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
    return row;
  };
}

/** Reads the groups of `query` on `client` (inside the caller's transaction), one whole group at a time. */
export async function* readGroups(client: pg.ClientBase, query: GroupQuery, signal: AbortSignal): AsyncGenerator<SourceGroup> {
  if (query.keys.length === 0) return;
  const toRow = rowObject(query.columns.map((c) => c.name));
  const keyIndex = query.columns.length;
  const plans: ColumnPlan[] = [
    ...query.columns,
    { name: KEY_COLUMN, pgType: 'text', parquet: 'UTF8', nullable: false, wire: 'text', select: '' },
  ];
  let current: SourceGroup | null = null;
  yield* copyItems<SourceGroup>(
    client,
    groupSelect(query),
    plans,
    {
      row: (values) => {
        const key = values[keyIndex] as string;
        if (current && current.key === key) {
          current.rows.push(toRow(values));
          return null;
        }
        const done = current;
        current = { key, rows: [toRow(values)] };
        return done;
      },
      end: () => current,
    },
    signal,
    { timestamps: query.timestamps },
  );
}

/** Reads the rows of `sql` (columns `plans`) on `client` in batches of `batchRows`. */
export async function* readRowBatches(
  client: pg.ClientBase,
  sql: string,
  plans: readonly ColumnPlan[],
  batchRows: number,
  signal: AbortSignal,
): AsyncGenerator<Record<string, RowValue>[]> {
  const toRow = rowObject(plans.map((c) => c.name));
  let batch: Record<string, RowValue>[] = [];
  yield* copyItems(
    client,
    sql,
    plans,
    {
      row: (values) => {
        batch.push(toRow(values));
        if (batch.length < batchRows) return null;
        const full = batch;
        batch = [];
        return full;
      },
      end: () => (batch.length > 0 ? batch : null),
    },
    signal,
  );
}
