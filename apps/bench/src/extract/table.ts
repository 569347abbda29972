// The extract suite's source tables, generated in PostgreSQL for the run and dropped at its end.
import pg from 'pg';
import { LOCAL_READER_ROLE, ensureReaderRole } from '@partita/extract';

export const BENCH_SCHEMA = 'partita_bench';

/** The table holding `rows` rows: one table per size, so that every read is a whole table, as an extract chunk reads it. */
export function benchTable(rows: number): string {
  return `${BENCH_SCHEMA}.mixed_${rows}`;
}

/** Drops what an earlier run may have left, then creates the schema. */
export async function createBenchSchema(client: pg.ClientBase): Promise<void> {
  await client.query(`drop schema if exists ${BENCH_SCHEMA} cascade`);
  await client.query(`create schema ${BENCH_SCHEMA}`);
  await ensureReaderRole(client, LOCAL_READER_ROLE, [BENCH_SCHEMA]);
}

export async function dropBenchSchema(client: pg.ClientBase): Promise<void> {
  await client.query(`drop schema if exists ${BENCH_SCHEMA} cascade`);
}

/**
 * Generates `benchTable(rows)` on a connection of its own (tables of several sizes are generated at once): mixed types
 * (bigint key, timestamptz, date, int, smallint, text, numeric(12,2), a nullable double, a nullable text). Unlogged,
 * so that generating it writes no WAL (reading it is the same as reading a logged table); the primary key is built
 * after the rows, then the table is vacuumed (hint bits and visibility map set, as on a settled table) and analysed.
 * Returns the table's size on disk (`pg_table_size`), the source bytes of the throughput figures.
 */
export async function generateBenchTable(databaseUrl: string, rows: number): Promise<{ table: string; bytes: number }> {
  const table = benchTable(rows);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`create unlogged table ${table} (
      id bigint not null, at timestamptz not null, day date not null, qty int not null, code smallint not null,
      label text not null, amount numeric(12,2) not null, score double precision, note text)`);
    await client.query(
      `insert into ${table}
       select g, timestamptz '2020-01-01 00:00:00+00' + g * interval '1.5 seconds', date '2020-01-01' + (g % 1500)::int, g % 100000,
              (g % 300)::smallint, 'item-' || (g % 50000), (g % 10000000) / 100.0,
              case when g % 5 = 0 then null else g * 0.001 end, case when g % 3 = 0 then null else md5(g::text) end
         from generate_series(1, $1::bigint) g`,
      [rows],
    );
    await client.query(`alter table ${table} add primary key (id)`);
    await client.query(`vacuum analyze ${table}`);
    const size = await client.query<{ bytes: string }>('select pg_table_size($1)::text as bytes', [table]);
    return { table, bytes: Number(size.rows[0]!.bytes) };
  } finally {
    await client.end();
  }
}
