import pg from 'pg';
import { queryOne } from '@partita/extract';
import type { Logger } from '@partita/telemetry';

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

/**
 * The snapshots of running extracts, by job id. While a job runs its snapshot stays open, and its source rows are
 * counted in that snapshot (for the completeness check) on the held connection, in the background.
 */
export class SnapshotRegistry {
  private readonly held = new Map<string, { snapshot: HeldSnapshot; counting: Promise<void> | null }>();

  constructor(
    private readonly deps: {
      log: Logger;
      /** Stores the count of rows in the snapshot. */
      recordCount: (jobId: string, rows: number) => Promise<void>;
      /** Called once the count is stored: the job may now be finalised. */
      counted: (jobId: string) => void;
    },
  ) {}

  /** Keeps a job's snapshot until `release(jobId)`, and counts `countSql`'s rows in it meanwhile. */
  keep(jobId: string, snapshot: HeldSnapshot, countSql: string): void {
    const entry: { snapshot: HeldSnapshot; counting: Promise<void> | null } = { snapshot, counting: null };
    this.held.set(jobId, entry);
    entry.counting = (async () => {
      try {
        const { rows } = await queryOne<{ n: string }>(snapshot.client, `select count(*) as n from (${countSql}\n) c`);
        await this.deps.recordCount(jobId, Number(rows[0]!.n));
        entry.counting = null;
        this.deps.counted(jobId);
      } catch (err) {
        entry.counting = null;
        if (this.held.get(jobId) === entry) this.deps.log.warn({ err, jobId }, 'could not count the source rows in the snapshot');
      }
    })();
  }

  /** Whether this master still counts the job's rows (the finaliser waits for the count). */
  counting(jobId: string): boolean {
    return this.held.get(jobId)?.counting != null;
  }

  /** Ends a job's snapshot (the job ended, was cancelled or withdrawn). A count in progress is abandoned. */
  async release(jobId: string): Promise<void> {
    const entry = this.held.get(jobId);
    if (!entry) return;
    this.held.delete(jobId);
    if (entry.counting) {
      await entry.snapshot.cancel();
      await entry.counting;
    }
    await entry.snapshot.release();
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.held.keys()].map((id) => this.release(id)));
  }
}
