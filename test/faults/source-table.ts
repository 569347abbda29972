import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { DATABASE_URL } from '../support/env.js';
import { uniqueName } from '../support/isolation.js';

/** A source schema of one test with one table `<schema>.orders` of `rows` rows (key `id`), dropped after the test. */
export function useSourceTable(rows: number): { readonly table: string; readonly schema: string } {
  const state = { schema: '', client: undefined as pg.Client | undefined };
  beforeEach(async () => {
    state.schema = uniqueName('src_');
    state.client = new pg.Client({ connectionString: DATABASE_URL });
    await state.client.connect();
    await state.client.query(`create schema ${state.schema}`);
    await state.client
      .query(`create table ${state.schema}.orders (id int primary key, placed_at timestamptz not null, amount numeric(12,2), note text);
      insert into ${state.schema}.orders
        select g, timestamptz '2024-01-01' + g * interval '1 minute', g / 100.0, case when g % 7 = 0 then null else md5(g::text) end
          from generate_series(1, ${rows}) g;
      analyze ${state.schema}.orders;`);
  });
  afterEach(async () => {
    // Never wait forever on a lock a failed run left behind: the schema then stays, with the rest of that run's state.
    await state.client?.query(`set lock_timeout = '10s'`);
    await state.client?.query(`drop schema if exists ${state.schema} cascade`);
    await state.client?.end();
  });
  return {
    get schema() {
      return state.schema;
    },
    get table() {
      return `${state.schema}.orders`;
    },
  };
}
