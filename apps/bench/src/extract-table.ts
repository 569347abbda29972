import type pg from 'pg';

export const BENCH_SCHEMA = 'partita_bench';
export const BENCH_TABLE = `${BENCH_SCHEMA}.mixed`;

/**
 * The extract benchmark's table: `rows` rows of mixed types (id, timestamptz, date, ints, text, numeric(12,2), a
 * nullable double, a nullable text). Kept between runs when it already holds that many rows.
 */
export async function ensureBenchTable(client: pg.ClientBase, rows: number): Promise<{ created: boolean; bytes: number }> {
  await client.query(`create schema if not exists ${BENCH_SCHEMA}`);
  const exists = (await client.query<{ t: string | null }>('select to_regclass($1)::text as t', [BENCH_TABLE])).rows[0]?.t;
  const existing = exists ? Number((await client.query<{ n: string }>(`select count(*)::text as n from ${BENCH_TABLE}`)).rows[0]!.n) : -1;
  const created = existing !== rows;
  if (created) {
    await client.query(`drop table if exists ${BENCH_TABLE}`);
    await client.query(`create table ${BENCH_TABLE} (
      id bigint primary key, at timestamptz not null, day date not null, qty int not null, code smallint not null,
      label text not null, amount numeric(12,2) not null, score double precision, note text)`);
    await client.query(
      `insert into ${BENCH_TABLE}
       select g, timestamptz '2020-01-01 00:00:00+00' + g * interval '1.5 seconds', date '2020-01-01' + (g % 1500)::int, g % 100000,
              (g % 300)::smallint, 'item-' || (g % 50000), (g % 10000000) / 100.0,
              case when g % 5 = 0 then null else g * 0.001 end, case when g % 3 = 0 then null else md5(g::text) end
         from generate_series(1, $1::bigint) g`,
      [rows],
    );
    await client.query(`vacuum analyze ${BENCH_TABLE}`);
  }
  const size = await client.query<{ bytes: string }>('select pg_table_size($1)::text as bytes', [BENCH_TABLE]);
  return { created, bytes: Number(size.rows[0]!.bytes) };
}
