import { beforeEach } from 'vitest';
import { useSourceSchema } from '../support/source-schema.js';

/** A source schema of one test with one table `<schema>.orders` of `rows` rows (key `id`), dropped after the test. */
export function useSourceTable(rows: number): { readonly table: string; readonly schema: string } {
  const source = useSourceSchema();
  beforeEach(async () => {
    const s = source.schema;
    await source.sql(`create table ${s}.orders (id int primary key, placed_at timestamptz not null, amount numeric(12,2), note text);
      insert into ${s}.orders
        select g, timestamptz '2024-01-01' + g * interval '1 minute', g / 100.0, case when g % 7 = 0 then null else md5(g::text) end
          from generate_series(1, ${rows}) g;
      analyze ${s}.orders;`);
  });
  return {
    get schema() {
      return source.schema;
    },
    get table() {
      return `${source.schema}.orders`;
    },
  };
}
