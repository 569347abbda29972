import type pg from 'pg';

/** Named passes run by one process at a time across every master of a catalog (PostgreSQL advisory locks). */
export class Locks {
  constructor(
    private readonly pool: pg.Pool,
    /** Two catalogs (schemas) in one database do not share their locks. */
    private readonly schema: string,
  ) {}

  /** Runs `fn` only if no other process runs the same named pass right now; returns whether it ran. */
  async exclusively(pass: string, fn: () => Promise<void>): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1), hashtext($2)) as locked', [
        pass,
        this.schema,
      ]);
      if (!rows[0]?.locked) return false;
      try {
        await fn();
      } finally {
        await client.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [pass, this.schema]);
      }
      return true;
    } finally {
      client.release();
    }
  }
}
