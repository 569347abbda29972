import type pg from 'pg';
import { checkCondition, checkQuery, type ExtractSource, type FunctionCall } from '@partita/contracts';

/**
 * Volatile functions of PostgreSQL's own that only produce a value: a source may call them. Every other VOLATILE
 * function, and every PARALLEL UNSAFE one, may write (a table, a sequence, a large object) or change the session
 * (settings, advisory locks, notifications) and is refused.
 */
export const VALUE_ONLY_VOLATILE = ['random', 'random_normal', 'clock_timestamp', 'timeofday', 'gen_random_uuid'] as const;

/**
 * Every function the source's SQL calls, anywhere in PostgreSQL's parse tree of it (the spec's schema already refused
 * SQL the parser does not accept as one SELECT or one condition). What a view or a function does inside is not seen:
 * the reader role and the read-only transaction stop what it might try.
 */
export function sourceFunctionCalls(source: ExtractSource): FunctionCall[] {
  const verdict = 'query' in source ? checkQuery(source.query) : source.where ? checkCondition(source.where) : null;
  if (verdict === null) return [];
  if (verdict.problem !== null)
    throw new Error(`sourceFunctionCalls: the spec's schema should have refused this source: ${verdict.problem}`);
  return verdict.functions;
}

/**
 * The calls (as `name()` or `schema.name()`) that may refer to a function that writes or changes the session: some
 * function of that name (in that schema, or else one the search path finds) is VOLATILE and not a value-only one of
 * PostgreSQL's, or PARALLEL UNSAFE. Run on the connection that plans the statement, so that the search path is its.
 */
export async function callsThatMayWrite(client: pg.ClientBase, calls: readonly FunctionCall[]): Promise<string[]> {
  if (calls.length === 0) return [];
  const { rows } = await client.query<{ schema: string | null; name: string }>(
    `select distinct c.schema, c.name
       from unnest($1::text[], $2::text[]) as c(schema, name)
       join pg_catalog.pg_proc p on p.proname = c.name
       join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where (case when c.schema is null then pg_catalog.pg_function_is_visible(p.oid) else n.nspname = c.schema end)
        and (p.proparallel = 'u' or (p.provolatile = 'v' and not (n.nspname = 'pg_catalog' and p.proname = any($3::text[]))))
      order by 2, 1`,
    [calls.map((c) => c.schema), calls.map((c) => c.name), [...VALUE_ONLY_VOLATILE]],
  );
  return rows.map((r) => `${r.schema === null ? '' : `${r.schema}.`}${r.name}()`);
}
