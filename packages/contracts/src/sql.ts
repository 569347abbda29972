import { quoteTable } from './table-name.js';

/** One SQL identifier, double-quoted (embedded quotes doubled): safe to splice into a statement. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A table name as a spec holds it (see TableName: `t`, `s.t`, `h2."Order Items"`), quoted part by part. */
export function quoteTableName(name: string): string {
  return quoteTable({ table: name });
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
