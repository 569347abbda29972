import type pg from 'pg';
import { FORGET_OLD, GONE, LIVE, SEEN } from './sql.js';

/** A kind a worker serves, by name and version. */
export interface ServedKind {
  name: string;
  version: string;
}

export interface LiveWorker {
  id: string;
  kinds: ServedKind[];
  seenAt: string;
}

/** Workers as they announce themselves: which kinds each serves, and when it was last seen. */
export class WorkerStore {
  constructor(private readonly pool: pg.Pool) {}

  /** A worker says it is alive and which kinds it serves: at start-up and with every beat. */
  async seen(id: string, kinds: readonly ServedKind[]): Promise<void> {
    await this.pool.query(FORGET_OLD);
    await this.pool.query(SEEN, [id, JSON.stringify(kinds)]);
  }

  /** A worker that stops says so: it no longer counts as serving its kinds. */
  async gone(id: string): Promise<void> {
    await this.pool.query(GONE, [id]);
  }

  /** Workers seen within `aliveMs`, with the kinds they serve. */
  async live(aliveMs: number): Promise<LiveWorker[]> {
    const { rows } = await this.pool.query<{ id: string; kinds: ServedKind[]; seen_at: Date }>(LIVE, [aliveMs]);
    return rows.map((r) => ({ id: r.id, kinds: r.kinds, seenAt: r.seen_at.toISOString() }));
  }
}
