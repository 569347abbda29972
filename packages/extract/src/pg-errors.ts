import { PartitaError, PermanentError, TransientError } from '@partita/contracts';
import { safePgMessage } from './pg-error-text.js';

/** SQLSTATE classes where another attempt may succeed: connection, resources, operator intervention, rollback. */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * Says whether retrying a failed read of a source database (an extract's chunk, a travel job's tables) helps. Errors
 * of the query itself (syntax, missing objects, a value that cannot be cast, a write in a read-only transaction, the
 * statement timeout) fail the same way every time; connection and resource errors may not. The message keeps no value
 * the statement read (safePgMessage): it reaches the job's status; the error itself, as `cause`, reaches the log.
 */
export function classifyPgError(thrown: unknown): Error {
  if (thrown instanceof PartitaError) return thrown;
  const err = thrown instanceof Error ? thrown : new Error(String(thrown));
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    const message = safePgMessage(err);
    if (code === '25006') return new PermanentError(`the source query tried to write, but sources are only read: ${message}`, err);
    if (code === '57014') return new PermanentError(`the source read was cancelled (statement timeout?): ${err.message}`, err);
    if (TRANSIENT_CLASSES.has(code.slice(0, 2))) return new TransientError(`source database: ${message}`, err);
    return new PermanentError(`source database: ${message}${message.includes('SQLSTATE') ? '' : ` (SQLSTATE ${code})`}`, err);
  }
  if (err.name === 'AbortError') return err;
  // Node's socket errors (ECONNRESET…) and the like: the next attempt may find the database back.
  if (typeof code === 'string') return new TransientError(`source database: ${err.message}`, err);
  return err;
}
