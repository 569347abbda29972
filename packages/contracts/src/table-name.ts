// Table names as a user writes them: `orders`, `sales.orders`, `h2."Order Items"`, or a schema given apart.

/** A table: its schema (null: the search path finds it) and its name, each exactly as PostgreSQL stores it. */
export interface TableRef {
  schema: string | null;
  name: string;
}

/** Where a spec names a table: `table`, and optionally `schema` apart (then `table` is one name, taken as written). */
export interface TableSpec {
  schema?: string | undefined;
  table: string;
}

const BARE = /^[A-Za-z_][A-Za-z0-9_$]*/;
/** No identifier holds a control character, a NUL or more than 63 characters. */
// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const IDENTIFIER = /^[^\u0000-\u001f]{1,63}$/u;

export const TABLE_NAME_FORMS =
  'must be `table` or `schema.table` (letters, digits, `_` and `$`; written as named, case kept), with double quotes ' +
  'around other names (`h2."Order Items"`, a quote inside doubled), or one name with `schema` given apart ' +
  '(`{ "schema": "h2", "table": "Order Items" }`); a `query` reads anything else';

/** `orders`, `s.orders`, `"Order Items"`, `h2."Order Items"`: one or two parts, each bare or double-quoted. Null when not. */
export function parseTableName(text: string): TableRef | null {
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    if (text[at] === '"') {
      let name = '';
      let i = at + 1;
      for (;;) {
        const end = text.indexOf('"', i);
        if (end < 0) return null;
        name += text.slice(i, end);
        if (text[end + 1] === '"') {
          name += '"';
          i = end + 2;
        } else {
          at = end + 1;
          break;
        }
      }
      parts.push(name);
    } else {
      const bare = BARE.exec(text.slice(at));
      if (!bare) return null;
      parts.push(bare[0]);
      at += bare[0].length;
    }
    if (at === text.length) break;
    if (text[at] !== '.' || parts.length === 2) return null;
    at++;
  }
  if (!parts.every((p) => IDENTIFIER.test(p))) return null;
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { schema: null, name: parts[0]! };
}

/** Why a spec's table cannot be named so, or null. */
export function tableSpecProblem(spec: TableSpec): string | null {
  if (spec.schema !== undefined) {
    if (!IDENTIFIER.test(spec.schema)) return 'schema must be 1–63 characters without control characters';
    return IDENTIFIER.test(spec.table) ? null : 'must be 1–63 characters without control characters when `schema` is given apart';
  }
  return parseTableName(spec.table) === null ? TABLE_NAME_FORMS : null;
}

/** The table a spec names. Throws on a name the spec's schema refuses. */
export function tableRef(spec: TableSpec): TableRef {
  if (spec.schema !== undefined) return { schema: spec.schema, name: spec.table };
  const ref = parseTableName(spec.table);
  if (ref === null) throw new RangeError(`tableRef: "${spec.table}" ${TABLE_NAME_FORMS}`);
  return ref;
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The table as SQL: each part double-quoted, so case, spaces and keywords are kept. */
export function quoteTable(spec: TableSpec): string {
  const ref = tableRef(spec);
  return ref.schema === null ? quote(ref.name) : `${quote(ref.schema)}.${quote(ref.name)}`;
}

/** The table as a message names it: bare parts bare, others quoted (`h2."Order Items"`). */
export function tableLabel(spec: TableSpec): string {
  const ref = tableRef(spec);
  const show = (name: string): string => (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name : quote(name));
  return ref.schema === null ? show(ref.name) : `${show(ref.schema)}.${show(ref.name)}`;
}
