import type pg from 'pg';

/** A function call found in a plan: its name, and its schema when the plan names one. */
export interface FunctionCall {
  schema: string | null;
  name: string;
}

/**
 * Volatile functions of PostgreSQL's own that only produce a value: a source may call them. Every other VOLATILE
 * function, and every PARALLEL UNSAFE one, may write (a table, a sequence, a large object) or change the session
 * (settings, advisory locks, notifications) and is refused.
 */
export const VALUE_ONLY_VOLATILE = ['random', 'random_normal', 'clock_timestamp', 'timeofday', 'gen_random_uuid'] as const;

// A string literal, a quoted identifier, a plain identifier, whitespace, or any other character.
const TOKEN = /'(?:[^']|'')*'|"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_$]*)|(\s+)|([\s\S])/gy;

type Token = { kind: 'ident'; value: string } | { kind: 'literal' | 'space' } | { kind: 'char'; value: string };

function tokens(text: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    if (m[1] !== undefined) out.push({ kind: 'ident', value: m[1].replaceAll('""', '"') });
    else if (m[2] !== undefined) out.push({ kind: 'ident', value: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'space' });
    else if (m[4] !== undefined) out.push({ kind: 'char', value: m[4] });
    else out.push({ kind: 'literal' });
  }
  return out;
}

/** Calls in one deparsed expression: an identifier (optionally `schema.`-qualified) directly followed by `(`. */
export function callsIn(text: string): FunctionCall[] {
  const list = tokens(text);
  const calls: FunctionCall[] = [];
  list.forEach((t, i) => {
    if (t.kind !== 'char' || t.value !== '(') return;
    const name = list[i - 1];
    if (name?.kind !== 'ident') return;
    const dot = list[i - 2];
    const schema = list[i - 3];
    const qualified = dot?.kind === 'char' && dot.value === '.' && schema?.kind === 'ident';
    calls.push({ schema: qualified ? schema.value : null, name: name.value });
  });
  return calls;
}

/**
 * Every function call in the expressions of an `EXPLAIN (VERBOSE, FORMAT JSON)` plan (outputs, filters, conditions,
 * function scans, sort and group keys), as PostgreSQL deparses them: names qualified only when the search path would
 * not find them. Views are expanded in a plan, so their calls are found too; what a function does inside is not seen.
 */
export function calledFunctions(plan: unknown): FunctionCall[] {
  const found = new Map<string, FunctionCall>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const call of callsIn(value)) found.set(`${call.schema ?? ''}\u0000${call.name}`, call);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(plan);
  return [...found.values()];
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
