/** One SQL identifier, double-quoted (embedded quotes doubled): safe to splice into a statement. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `identifier` or `schema.identifier` (see TableName), quoted part by part: the schema is what precedes the first dot. */
export function quoteTableName(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? quoteIdent(name) : `${quoteIdent(name.slice(0, dot))}.${quoteIdent(name.slice(dot + 1))}`;
}

/**
 * A string as an SQL literal: single-quoted, embedded quotes doubled. Assumes `standard_conforming_strings = on`
 * (PostgreSQL's default since 9.1), where a backslash is an ordinary character. PostgreSQL strings cannot hold
 * NUL, so a string containing one is refused.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new RangeError('quoteLiteral: a string containing a NUL character cannot be an SQL literal');
  return `'${value.replaceAll("'", "''")}'`;
}
