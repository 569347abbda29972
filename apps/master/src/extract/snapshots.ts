import pg from 'pg';
import { quoteLiteral } from '@partita/contracts';
import { queryOne, type HeldSnapshot } from '@partita/extract';
import type { Logger } from '@partita/telemetry';

/** SQLSTATE of `SET TRANSACTION SNAPSHOT` with an id whose exporting transaction has ended. */
const SNAPSHOT_GONE = '22023';

/**
 * The snapshots of running extracts this master exported, by job id. While a job runs its snapshot stays open, and its
 * source rows are counted in that snapshot (for the completeness check) on the held connection, in the background.
 * With several masters, another one may finalise or cancel the job: `countPending` lets its finaliser wait for this
 * master's count, and every master's sweep releases the snapshots it holds for jobs that ended (`releaseEnded`).
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
      /** The source database, to tell whether another master's snapshot is still held. */
      source: () => pg.Pool;
    },
  ) {}

  /** Snapshots held for running jobs. */
  get size(): number {
    return this.held.size;
  }

  /** Keeps a job's snapshot until `release(jobId)`, and counts `countSql`'s rows in it meanwhile (when given). */
  keep(jobId: string, snapshot: HeldSnapshot, countSql?: string): void {
    const entry: { snapshot: HeldSnapshot; counting: Promise<void> | null } = { snapshot, counting: null };
    this.held.set(jobId, entry);
    if (countSql === undefined) return;
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

  /**
   * Whether the job's rows in its snapshot are still being counted, so that its finaliser must wait: by this master
   * (it holds the snapshot), or by the master that holds it (the count is not recorded yet, and the snapshot still
   * exists: its exporting transaction is open). A snapshot that is gone (its master stopped) will not be counted: the
   * completeness stays unknown. While the source cannot be asked, the count counts as pending (the sweep retries).
   */
  async countPending(jobId: string, extract: { snapshotId: string | null; sourceRows: number | null }): Promise<boolean> {
    const entry = this.held.get(jobId);
    if (entry) return entry.counting !== null;
    if (extract.sourceRows !== null || extract.snapshotId === null) return false;
    let client: pg.PoolClient | undefined;
    try {
      client = await this.deps.source().connect();
      await client.query('begin isolation level repeatable read read only');
      await client.query(`set transaction snapshot ${quoteLiteral(extract.snapshotId)}`);
      return true;
    } catch (err) {
      return (err as { code?: string }).code !== SNAPSHOT_GONE;
    } finally {
      await client?.query('rollback').catch(() => undefined);
      client?.release();
    }
  }

  /** The jobs whose snapshots this master holds. */
  heldJobs(): string[] {
    return [...this.held.keys()];
  }

  /** Releases the snapshots of held jobs that have ended, whichever master ended them (`open`: those still running). */
  async releaseEnded(open: (jobIds: string[]) => Promise<Set<string>>): Promise<string[]> {
    const held = this.heldJobs();
    if (held.length === 0) return [];
    const running = await open(held);
    const ended = held.filter((id) => !running.has(id));
    await Promise.all(ended.map((id) => this.release(id)));
    return ended;
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
