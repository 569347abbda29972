import { createHash } from 'node:crypto';
import type pg from 'pg';
import * as sql from './sql.js';

/** A signed-in browser: the name and scope of the token it signed in with. */
export interface SessionRecord {
  tokenName: string;
  scope: string;
}

const sha256 = (id: string): Buffer => createHash('sha256').update(id, 'utf8').digest();

/** Browser sessions, by the SHA-256 of their id: a leaked catalog holds no id a browser could present. */
export class SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(id: string, session: SessionRecord, ttlMs: number): Promise<void> {
    await this.pool.query(sql.CREATE, [sha256(id), session.tokenName, session.scope, ttlMs]);
  }

  /** The session of an id, or null when there is none or it expired. */
  async find(id: string): Promise<SessionRecord | null> {
    const { rows } = await this.pool.query<{ token_name: string; scope: string }>(sql.FIND, [sha256(id)]);
    const row = rows[0];
    return row ? { tokenName: row.token_name, scope: row.scope } : null;
  }

  async delete(id: string): Promise<void> {
    await this.pool.query(sql.DELETE, [sha256(id)]);
  }

  /** Removes expired sessions; returns how many. */
  async deleteExpired(): Promise<number> {
    return (await this.pool.query(sql.DELETE_EXPIRED)).rowCount ?? 0;
  }
}
