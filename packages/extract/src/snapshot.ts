import pg from 'pg';

/**
 * One exported snapshot, held open by the master the way `pg_dump --jobs` does: a REPEATABLE READ READ ONLY
 * transaction that called `pg_export_snapshot()`. Workers read with `SET TRANSACTION SNAPSHOT id`, so every chunk of a
 * job sees the same database state. The snapshot lives as long as this transaction: release it when the job ends.
 */
export interface HeldSnapshot {
  readonly id: string;
  /** The connection inside the snapshot's transaction (plan on it; nothing else may use it meanwhile). */
  readonly client: pg.Client;
  /** Cancels the statement running on `client`, if any (from another connection). */
  cancel(): Promise<void>;
  /**
   * Ends the snapshot's backend from another connection, whatever it runs or is about to run, then releases it: a
   * plan abandoned mid-way leaves nothing running (a cancel could miss a statement sent just after it).
   */
  terminate(): Promise<void>;
  /** Ends the transaction and returns the connection. Idempotent. */
  release(): Promise<void>;
}

/**
 * Opens a transaction on a connection of its own (not one of the pool's: it stays open as long as the job runs) and
 * exports its snapshot.
 */
export async function exportSnapshot(pool: pg.Pool): Promise<HeldSnapshot> {
  const client = new pg.Client({ ...pool.options, application_name: 'partita-master-snapshot' });
  client.on('error', () => undefined); // a dropped connection ends the snapshot; workers then fall back
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await client.end().catch(() => undefined); // ends the transaction with the session
  };
  try {
    await client.connect();
    // The transaction idles between the workers' reads: a server-wide idle timeout must not end it.
    await client.query('set idle_in_transaction_session_timeout = 0');
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ id: string }>('select pg_export_snapshot() as id');
    const pid = (client as unknown as { processID: number }).processID;
    const cancel = async (): Promise<void> => void (await pool.query('select pg_cancel_backend($1)', [pid]).catch(() => undefined));
    const terminate = async (): Promise<void> => {
      await pool.query('select pg_terminate_backend($1)', [pid]).catch(() => undefined);
      await release();
    };
    return { id: rows[0]!.id, client, cancel, terminate, release };
  } catch (err) {
    await release();
    throw err;
  }
}
