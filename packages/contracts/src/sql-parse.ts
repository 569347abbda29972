// The SQL a user may give (an extract's query or condition), read by PostgreSQL's own parser (libpg_query, compiled to
// WebAssembly): what it accepts, and the functions it calls. A first filter only: every statement built from it still
// runs as one extended-protocol statement, in a read-only transaction, as a role that can only read.
import { loadModule, parseSync, type ParseResult } from 'libpg-query';

await loadModule();

/** A function a statement calls: its name, and its schema when the text names one. */
export interface FunctionCall {
  schema: string | null;
  name: string;
}

/** Why the text is refused, or the functions it calls. */
export type SqlVerdict = { problem: string } | { problem: null; functions: FunctionCall[] };

/** A query without the semicolon it may end with. */
const withoutFinalSemicolon = (query: string): string => query.replace(/;\s*$/, '');

/** A query as the FROM item the extract reads it through: a trailing semicolon dropped, a newline in case it ends in a -- comment. */
export function wrapQuery(query: string): string {
  return `(${withoutFinalSemicolon(query)}\n) q`;
}

/** A condition as the extract combines it with others: parenthesised, a newline in case it ends in a -- comment. */
export function wrapCondition(condition: string): string {
  return `(${condition}\n)`;
}

/** Nodes a source may not hold anywhere, and what the refusal says. */
const REFUSED: Record<string, string> = {
  InsertStmt: 'must only read, but it writes (INSERT)',
  UpdateStmt: 'must only read, but it writes (UPDATE)',
  DeleteStmt: 'must only read, but it writes (DELETE)',
  MergeStmt: 'must only read, but it writes (MERGE)',
  intoClause: 'must only read, but it creates a table (SELECT … INTO)',
  LockingClause: 'must only read, but it locks rows (FOR UPDATE, FOR SHARE)',
  ParamRef: 'takes no parameters ($1, $2, …): write the values in the text',
};

type Parsed = { result: ParseResult } | { problem: string };

function parse(text: string): Parsed {
  try {
    return { result: parseSync(text) };
  } catch (err) {
    const details = (err as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    const message = details?.message ?? (err as Error).message;
    return { problem: `is not valid SQL: ${message}` };
  }
}

/** The statement node of a parse with exactly one statement, as `[type, body]`, or why there is not exactly one. */
function single(result: ParseResult, what: string): [string, Record<string, unknown>] | string {
  const stmts = result.stmts ?? [];
  if (stmts.length !== 1) return `must be ${what}, but it holds ${stmts.length} statements`;
  const [entry] = Object.entries(stmts[0]!.stmt ?? {});
  if (!entry) return `must be ${what}`;
  return [entry[0], entry[1] as Record<string, unknown>];
}

/** Every function call in a tree, and the first refused node. */
function walk(tree: unknown): SqlVerdict {
  const calls = new Map<string, FunctionCall>();
  let problem: string | null = null;
  const visit = (node: unknown): void => {
    if (problem !== null || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    for (const [key, value] of Object.entries(node)) {
      const refused = REFUSED[key];
      if (refused !== undefined && value !== null && value !== undefined) {
        problem = refused;
        return;
      }
      if (key === 'FuncCall') {
        const parts = ((value as { funcname?: unknown[] }).funcname ?? []).map(
          (p) => (p as { String?: { sval?: string } }).String?.sval ?? '',
        );
        const name = parts[parts.length - 1] ?? '';
        const schema = parts.length > 1 ? parts[parts.length - 2]! : null;
        calls.set(`${schema ?? ''}\u0000${name}`, { schema, name });
      }
      visit(value);
    }
  };
  visit(tree);
  return problem !== null ? { problem } : { problem: null, functions: [...calls.values()] };
}

/** Keys a bare `SELECT 1 WHERE <condition>` may hold, besides the condition. */
const BARE_SELECT_KEYS = new Set(['targetList', 'whereClause', 'limitOption', 'op']);

/**
 * A source query: exactly one SELECT (a trailing semicolon allowed), with no INTO, no locking clause and no
 * data-modifying WITH anywhere, that stays one statement when the extract wraps it (`wrapQuery`). Gives the functions
 * it calls, anywhere in its tree (LIMIT, OFFSET, VALUES, ORDER BY, subqueries…).
 */
export function checkQuery(query: string): SqlVerdict {
  const body = withoutFinalSemicolon(query);
  const parsed = parse(body);
  if ('problem' in parsed) return parsed;
  const stmt = single(parsed.result, 'one SELECT statement');
  if (typeof stmt === 'string') return { problem: stmt };
  if (stmt[0] !== 'SelectStmt') return { problem: `must be one SELECT statement, not ${statementName(stmt[0])}` };
  const wrapped = parse(`select * from ${wrapQuery(query)}`);
  const outer = 'result' in wrapped ? single(wrapped.result, 'one SELECT statement') : null;
  const from = outer !== null && typeof outer !== 'string' ? (outer[1]['fromClause'] as unknown[] | undefined) : undefined;
  if (from?.length !== 1 || !('RangeSubselect' in (from[0] as object))) {
    return { problem: 'must stay one statement inside the parentheses the extract puts around it' };
  }
  return walk(parsed.result);
}

/**
 * A condition on a table's rows: one expression (no `;`, nothing that closes the parentheses the extract puts around
 * it), with no locking clause or data-modifying WITH in its subqueries. Gives the functions it calls.
 */
export function checkCondition(condition: string): SqlVerdict {
  const parsed = parse(`select 1 where ${condition}`);
  if ('problem' in parsed) return parsed;
  const stmt = single(parsed.result, 'one condition');
  if (typeof stmt === 'string') return { problem: `${stmt}: write one condition, without ";"` };
  const extra = Object.keys(stmt[1]).filter((k) => !BARE_SELECT_KEYS.has(k));
  if (stmt[0] !== 'SelectStmt' || extra.length > 0 || stmt[1]['op'] !== 'SETOP_NONE') {
    return { problem: 'must be one condition (a boolean expression), with nothing after it' };
  }
  const wrapped = parse(`select 1 where ${wrapCondition(condition)} and true`);
  if ('problem' in wrapped || typeof single(wrapped.result, 'one condition') === 'string') {
    return { problem: 'must stay one condition inside the parentheses the extract puts around it' };
  }
  return walk(stmt[1]['whereClause']);
}

/** `DropStmt` -> `DROP`, `CreateTableAsStmt` -> `CREATE TABLE AS`. */
function statementName(node: string): string {
  return node
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}
