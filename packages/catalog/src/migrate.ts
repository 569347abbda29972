import type pg from 'pg';
import { quoteIdent } from '@partita/contracts';
import * as initial from './migrations/001-initial.js';
import * as extract from './migrations/002-extract.js';
import * as recovery from './migrations/003-recovery.js';
import * as pipelines from './migrations/004-pipelines.js';
import * as sessions from './migrations/005-sessions.js';
import * as submittedBy from './migrations/006-submitted-by.js';
import * as kinds from './migrations/007-kinds.js';
import * as jobEntries from './migrations/008-job-entries.js';
import * as jobEnded from './migrations/009-job-ended.js';
import * as maxConcurrency from './migrations/010-max-concurrency.js';
import * as entriesAtATime from './migrations/011-entries-at-a-time.js';

/** Numbered migrations, applied in order, each once, inside one transaction with the version bump. */
const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, ...initial },
  { version: 2, ...extract },
  { version: 3, ...recovery },
  { version: 4, ...pipelines },
  { version: 5, ...sessions },
  { version: 6, ...submittedBy },
  { version: 7, ...kinds },
  { version: 8, ...jobEntries },
  { version: 9, ...jobEnded },
  { version: 10, ...maxConcurrency },
  { version: 11, ...entriesAtATime },
];

/** Any fixed number: serialises concurrent start-ups (several masters) on the same database. */
const LOCK_KEY = 0x7061_7274;

export async function migrate(pool: pg.Pool, schema: string): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`create schema if not exists ${quoteIdent(schema)}`);
    await client.query(
      `create table if not exists ${quoteIdent(schema)}.schema_migrations (
         version int primary key, name text not null, applied_at timestamptz not null default now())`,
    );
    const { rows } = await client.query<{ version: number }>(`select version from ${quoteIdent(schema)}.schema_migrations`);
    const done = new Set(rows.map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('begin');
      try {
        await client.query(`set local search_path to ${quoteIdent(schema)}`);
        await client.query(m.sql);
        await client.query(`insert into ${quoteIdent(schema)}.schema_migrations (version, name) values ($1, $2)`, [m.version, m.name]);
        await client.query('commit');
        applied.push(m.version);
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
  return applied;
}
