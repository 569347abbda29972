// A partition's groups read in one binary COPY, ordered by group, handed to the kind's code one whole group at a
// time: the COPY is read only as fast as the groups are consumed.
import type pg from 'pg';
import { quoteLiteral } from '@partita/contracts';
import { copyChunk } from './copy-chunk.js';
import { RowCapture, type RowValue } from './row-capture.js';
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
 * Reads the groups of `query` on `client` (inside the caller's transaction) and yields them one by one. Stopping
 * early (a `break`, an error in the consumer) aborts the COPY: the client is then mid-COPY and must be discarded.
 * Rows decoded must equal the rows PostgreSQL says it sent.
 */
export function readGroups(client: pg.ClientBase, query: GroupQuery, signal: AbortSignal): AsyncIterable<SourceGroup> {
  return {
    async *[Symbol.asyncIterator]() {
      if (query.keys.length === 0) return;
      const names = query.columns.map((c) => c.name);
      const keyIndex = names.length;
      const toRow = (values: RowValue[]): Record<string, RowValue> => {
        const row: Record<string, RowValue> = {};
        for (let i = 0; i < keyIndex; i++) row[names[i]!] = values[i]!;
        return row;
      };
      let current: SourceGroup | null = null;
      /** The group completed by the last row, handed over at the decoder's next flush. */
      let complete: SourceGroup | null = null;
      // The hand-over: the producer waits in `flush` until the consumer took the ready group and asked for more.
      const state: { ready: SourceGroup | null; taken: (() => void) | null; wake: (() => void) | null; finished: boolean; failure: unknown } = {
        ready: null,
        taken: null,
        wake: null,
        finished: false,
        failure: null,
      };
      const stop = new AbortController();
      const hand = (group: SourceGroup): Promise<void> =>
        new Promise<void>((resolve) => {
          state.ready = group;
          state.taken = resolve;
          state.wake?.();
        });
      const plans: ColumnPlan[] = [...query.columns, { name: KEY_COLUMN, pgType: 'text', parquet: 'UTF8', nullable: false, wire: 'text', select: '' }];
      const capture = new RowCapture(
        plans,
        (values) => {
          const key = values[keyIndex] as string;
          if (current && current.key === key) {
            current.rows.push(toRow(values));
            return false;
          }
          complete = current;
          current = { key, rows: [toRow(values)] };
          return complete !== null;
        },
        () => hand(complete!),
      );
      const copying = copyChunk(client, {
        sql: groupSelect(query),
        columns: plans,
        maxRowsPerFile: Number.MAX_SAFE_INTEGER,
        openFile: () => capture,
        closeFile: async () => {
          if (current) await hand(current);
        },
        signal: AbortSignal.any([signal, stop.signal]),
      }).then(
        (result) => {
          if (result.rows !== result.copyRows) throw new Error(`read ${result.rows} rows but PostgreSQL sent ${result.copyRows}`);
        },
      );
      copying.then(
        () => {
          state.finished = true;
          state.wake?.();
        },
        (err: unknown) => {
          state.failure = err;
          state.finished = true;
          state.wake?.();
        },
      );
      try {
        for (;;) {
          while (!state.ready && !state.finished) await new Promise<void>((resolve) => (state.wake = resolve));
          state.wake = null;
          const group = state.ready;
          if (group) {
            const resume = state.taken;
            state.ready = null;
            state.taken = null;
            yield group;
            resume?.();
            continue;
          }
          if (state.failure) throw state.failure;
          return;
        }
      } finally {
        if (!state.finished) {
          stop.abort(new DOMException('the groups were not all read', 'AbortError'));
          state.taken?.();
          await copying.catch(() => undefined);
        }
      }
    },
  };
}
