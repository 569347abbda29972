import pg from 'pg';
import { ensureReaderRole } from '@partita/extract';
import { afterEach, beforeEach } from 'vitest';
import { DATABASE_URL, READER_ROLE } from './env.js';
import { uniqueName } from './isolation.js';

/** A schema of the source database (the test database) for one test: created before it, dropped after it. */
export interface SourceSchema {
  readonly schema: string;
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
}

/**
 * Registers a fresh source schema around each test of the enclosing `describe`. Tables are made by the test (or a
 * `beforeEach` registered after this call). Dropped whatever the outcome, after the stack has stopped; a lock that a
 * failed run left behind makes the drop give up after 20 s instead of hanging.
 */
export function useSourceSchema(): SourceSchema {
  const state = { schema: '', client: undefined as pg.Client | undefined };
  beforeEach(async () => {
    state.schema = uniqueName('src_');
    state.client = new pg.Client({ connectionString: DATABASE_URL });
    await state.client.connect();
    await state.client.query(`create schema ${state.schema}`);
    // The stack reads sources as the reader role: it may read this schema's tables, and nothing else.
    await ensureReaderRole(state.client, READER_ROLE, [state.schema]);
  });
  afterEach(async () => {
    await state.client?.query(`set lock_timeout = '20s'`);
    await state.client?.query(`drop schema if exists ${state.schema} cascade`);
    await state.client?.end();
    state.client = undefined;
  });
  return {
    get schema() {
      return state.schema;
    },
    sql(text, params) {
      if (!state.client) throw new Error('the source schema exists only inside a test');
      return state.client.query(text, params);
    },
  };
}
