/** One SQL identifier, double-quoted (embedded quotes doubled): safe to splice into a statement. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `identifier` or `schema.identifier` (see TableName), quoted part by part: the schema is what precedes the first dot. */
export function quoteTableName(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? quoteIdent(name) : `${quoteIdent(name.slice(0, dot))}.${quoteIdent(name.slice(dot + 1))}`;
}
