import type pg from 'pg';
import { quoteLiteral } from '@partita/contracts';
/** What the transaction logs to. */
interface Logger {
  warn(obj: object, msg?: string): void;
}

/** SQLSTATE of `SET TRANSACTION SNAPSHOT` with an id whose exporting transaction has ended. */
const INVALID_PARAMETER_VALUE = '22023';

/**
 * Opens the chunk's read-only transaction on the job's exported snapshot. When that snapshot is gone (the master
 * holding it stopped), the documented fallback: the chunk reads a snapshot of its own, and says so.
 */
export async function openChunkTransaction(
  client: pg.ClientBase,
  snapshot: string | null,
  statementTimeoutMs: number,
  log: Logger,
): Promise<{ ownSnapshot: boolean }> {
  let ownSnapshot = true;
  await client.query('begin isolation level repeatable read read only');
  if (snapshot !== null) {
    try {
      await client.query(`set transaction snapshot ${quoteLiteral(snapshot)}`);
      ownSnapshot = false;
    } catch (err) {
      if ((err as { code?: string }).code !== INVALID_PARAMETER_VALUE) throw err;
      log.warn({ snapshot }, "the job's snapshot is gone (the master holding it stopped): this chunk reads a snapshot of its own");
      await client.query('rollback');
      await client.query('begin isolation level repeatable read read only');
    }
  }
  // An integer validated by the spec's schema: safe to inline (SET takes no parameters).
  await client.query(`set local statement_timeout = ${Math.trunc(statementTimeoutMs)}`);
  return { ownSnapshot };
}
