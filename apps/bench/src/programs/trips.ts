// The Python travel workload's input: generated groups of travellers (never the book's data) and the flights of their
// routes, as tables of a source schema and a view with one row per traveller and flight of their route.
import type pg from 'pg';
import { generateGroup, generateRoute, type Group } from '@partita/travel';

export interface TripsWorkload {
  groups: number;
  /** Travellers per group: generated groups with fewer are skipped, larger ones keep their first `size`. */
  size: number;
  seed: number;
}

/** `groups` generated groups of exactly `size` travellers, in index order. */
export function tripGroups(work: TripsWorkload): Group[] {
  const out: Group[] = [];
  for (let index = 0; out.length < work.groups; index++) {
    if (index > 100_000) throw new Error(`no ${work.groups} groups of ${work.size} travellers among the first 100,000`);
    const group = generateGroup(work.seed, index);
    if (group.travellers.length >= work.size) out.push({ ...group, travellers: group.travellers.slice(0, work.size) });
  }
  return out;
}

/**
 * Creates `schema.travellers`, `schema.flights` and the view `schema.trips` (group_id, person, home_airport,
 * destination, leg 'out' or 'back', depart, arrive, price; minutes and dollars as integers). Returns the view's name.
 */
export async function loadTrips(client: pg.Client | pg.Pool, schema: string, work: TripsWorkload): Promise<string> {
  const groups = tripGroups(work);
  await client.query(`create table ${schema}.travellers (group_id text, person text, home_airport text, destination text)`);
  await client.query(`create table ${schema}.flights (origin text, destination text, depart int, arrive int, price int)`);
  const travellers = groups.flatMap((g) =>
    g.travellers.map((t) => ({ group_id: g.id, person: t.name, home_airport: t.origin, destination: g.destination })),
  );
  await client.query(`insert into ${schema}.travellers select * from json_populate_recordset(null::${schema}.travellers, $1)`, [
    JSON.stringify(travellers),
  ]);
  const routes = new Set(
    groups.flatMap((g) => g.travellers.flatMap((t) => [`${t.origin}>${g.destination}`, `${g.destination}>${t.origin}`])),
  );
  const flights = [...routes].flatMap((route) => {
    const [origin, destination] = route.split('>') as [string, string];
    return generateRoute(work.seed, origin, destination);
  });
  await client.query(`insert into ${schema}.flights select * from json_populate_recordset(null::${schema}.flights, $1)`, [
    JSON.stringify(
      flights.map((f) => ({ origin: f.origin, destination: f.destination, depart: f.depart, arrive: f.arrive, price: f.price })),
    ),
  ]);
  await client.query(
    `create view ${schema}.trips as
       select t.group_id, t.person, t.home_airport, t.destination, 'out' as leg, f.depart, f.arrive, f.price
         from ${schema}.travellers t join ${schema}.flights f on f.origin = t.home_airport and f.destination = t.destination
       union all
       select t.group_id, t.person, t.home_airport, t.destination, 'back', f.depart, f.arrive, f.price
         from ${schema}.travellers t join ${schema}.flights f on f.origin = t.destination and f.destination = t.home_airport`,
  );
  return `${schema}.trips`;
}

/** Every row of the view as a program reads it in one process: `{ key, row }` lines, each group's rows together. */
export async function tripLines(client: pg.Client | pg.Pool, view: string): Promise<string[]> {
  const { rows } = await client.query<Record<string, unknown>>(
    `select * from ${view} order by group_id, person, leg, depart, arrive, price`,
  );
  return rows.map((row) => JSON.stringify({ key: { group_id: row['group_id'] }, row }));
}
