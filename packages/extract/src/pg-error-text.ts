// What an API answer may say of a PostgreSQL error raised by a user's source. Messages about the statement itself
// (syntax, names, types, privileges) only repeat what the user wrote; messages of data exceptions and of raised
// errors quote values the statement read, which may be values the caller could not otherwise see: those are replaced
// by their SQLSTATE and its condition. The full message goes to the operator's log only.

/** SQLSTATE classes whose messages name only parts of the statement. */
const STATEMENT_CLASSES = new Set(['0A', '25', '28', '3F', '42', '54']);

/** Conditions of the codes a source hits most often; others are named by their class. */
const CONDITIONS: Record<string, string> = {
  '22001': 'string_data_right_truncation',
  '22003': 'numeric_value_out_of_range',
  '22007': 'invalid_datetime_format',
  '22008': 'datetime_field_overflow',
  '22012': 'division_by_zero',
  '22021': 'character_not_in_repertoire',
  '22023': 'invalid_parameter_value',
  '2202E': 'array_subscript_error',
  '22P02': 'invalid_text_representation',
  '22P05': 'untranslatable_character',
  '23502': 'not_null_violation',
  '57014': 'query_canceled',
  P0001: 'raise_exception',
};

const CLASSES: Record<string, string> = {
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '38': 'external routine exception',
  '39': 'external routine invocation exception',
  '40': 'transaction rollback',
  '53': 'insufficient resources',
  '57': 'operator intervention',
  P0: 'PL/pgSQL error',
  XX: 'internal error',
};

/** The SQLSTATE of a PostgreSQL error, or null for anything else (a socket error, a bug). */
export function sqlState(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * A PostgreSQL error's message as an API answer may show it: the message for errors about the statement, else its
 * SQLSTATE and condition, never a value it read.
 */
export function safePgMessage(err: unknown): string {
  const code = sqlState(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === null) return message;
  if (STATEMENT_CLASSES.has(code.slice(0, 2))) return message;
  const condition = CONDITIONS[code] ?? CLASSES[code.slice(0, 2)] ?? 'error';
  return `${condition} (SQLSTATE ${code}; the values involved are not shown, see the log)`;
}
