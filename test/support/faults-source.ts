import { generateRoute, type Group } from '@partita/travel';
import type { SourceSchema } from './source-schema.js';

/**
 * Tables `<travellersTable>` and `flights` in a test's source schema, in the format of a travel job's `postgres` input,
 * holding `groups` and every route they fly.
 */
export async function loadTravelTables(
  source: SourceSchema,
  groups: readonly Group[],
  seed: number,
  travellersTable = 'travellers',
): Promise<void> {
  const s = source.schema;
  await source.sql(`create table ${s}.${travellersTable} (group_id text, person text, home_airport text, destination text)`);
  await source.sql(`create table ${s}.flights (origin text, destination text, departure time, arrival interval, price numeric(10,2))`);
  const travellers = groups.flatMap((g) =>
    g.travellers.map((t) => ({ group_id: g.id, person: t.name, home_airport: t.origin, destination: g.destination })),
  );
  await source.sql(`insert into ${s}.${travellersTable} select * from json_populate_recordset(null::${s}.${travellersTable}, $1)`, [
    JSON.stringify(travellers),
  ]);
  const routes = new Set(
    groups.flatMap((g) => g.travellers.flatMap((t) => [`${t.origin}>${g.destination}`, `${g.destination}>${t.origin}`])),
  );
  const flights = [...routes].flatMap((route) => {
    const [o, d] = route.split('>') as [string, string];
    return generateRoute(seed, o, d);
  });
  await source.sql(
    `insert into ${s}.flights
     select f.origin, f.destination, make_interval(mins => f.depart)::time, make_interval(mins => f.arrive), f.price
       from json_to_recordset($1) as f(origin text, destination text, depart int, arrive int, price numeric)`,
    [JSON.stringify(flights)],
  );
}
