import type pg from 'pg';

/**
 * Runs a statement built from user text (a query, a condition) as ONE extended-protocol statement (Parse, Bind,
 * Execute): PostgreSQL refuses a text that holds a second statement ("cannot insert multiple commands into a prepared
 * statement", 42601), where the simple query protocol would run it. Every such statement goes through here, or takes
 * parameters (which also sends it extended).
 */
export function queryOne<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase,
  text: string,
  values?: unknown[],
): Promise<pg.QueryResult<R>> {
  return client.query<R>({ text, values, queryMode: 'extended' } as pg.QueryConfig);
}
