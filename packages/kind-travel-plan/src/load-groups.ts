import type pg from 'pg';
import { PermanentError, type TravelInput, quoteTableName } from '@partita/contracts';
import type { GroupRefs } from './plan.js';
import { fromRanges } from '@partita/partition';
import { generateGroup, generateRoute, parseClock, type Flight, type Group } from '@partita/travel';
import { classifyPgError } from '@partita/extract';

/** A partition's groups, and the flights of every route they use. */
export interface PartitionGroups {
  groups: Group[];
  routeFlights: (origin: string, destination: string) => readonly Flight[];
}

/** Rebuilds a partition's groups from its references: regenerated, taken from the inline spec, or read from PostgreSQL. */
export async function loadGroups(input: TravelInput, refs: GroupRefs, source: () => pg.Pool): Promise<PartitionGroups> {
  if ('generate' in input) {
    if (!('ranges' in refs)) throw new PermanentError('a generated input needs index ranges');
    const { seed, groups: total } = input.generate;
    const indices = fromRanges(refs.ranges);
    const outOfRange = indices.find((i) => i >= total);
    if (outOfRange !== undefined) throw new PermanentError(`group index ${outOfRange} is outside the job's ${total} groups`);
    const routes = new Map<string, Flight[]>();
    return {
      groups: indices.map((i) => generateGroup(seed, i)),
      routeFlights: (o, d) => {
        const key = `${o}>${d}`;
        let flights = routes.get(key);
        if (!flights) routes.set(key, (flights = generateRoute(seed, o, d)));
        return flights;
      },
    };
  }
  if (!('ids' in refs)) throw new PermanentError('inline and postgres inputs need group ids');
  if ('inline' in input) {
    const byId = new Map(input.inline.groups.map((g) => [g.id, g]));
    const routes = groupFlights(input.inline.flights.map((f) => ({ ...f, depart: parseClock(f.depart), arrive: parseClock(f.arrive) })));
    return {
      groups: refs.ids.map((id) => {
        const g = byId.get(id);
        if (!g) throw new PermanentError(`group ${id} is not in the job's input`);
        return { id: g.id, destination: g.destination, travellers: g.travellers.map((t) => ({ ...t })) };
      }),
      routeFlights: (o, d) => routes.get(`${o}>${d}`) ?? [],
    };
  }
  return loadFromPostgres(input.postgres, refs.ids, source()).catch((err: unknown) => {
    throw classifyPgError(err);
  });
}

/** Reads only this partition's travellers, then only the routes they fly. */
async function loadFromPostgres(
  tables: { travellers: string; flights: string },
  ids: readonly string[],
  pool: pg.Pool,
): Promise<PartitionGroups> {
  const travellers = await pool.query<{ group_id: string; person: string; home_airport: string; destination: string }>(
    `select group_id::text as group_id, person::text as person, home_airport::text as home_airport, destination::text as destination
       from ${quoteTableName(tables.travellers)} where group_id::text = any($1::text[]) order by group_id, person`,
    [ids],
  );
  const groups = new Map<string, Group>();
  for (const row of travellers.rows) {
    let group = groups.get(row.group_id);
    if (!group) groups.set(row.group_id, (group = { id: row.group_id, destination: row.destination, travellers: [] }));
    if (group.destination !== row.destination) {
      throw new PermanentError(`group ${row.group_id} has travellers bound for both ${group.destination} and ${row.destination}`);
    }
    group.travellers.push({ name: row.person, origin: row.home_airport });
  }
  const missing = ids.find((id) => !groups.has(id));
  if (missing !== undefined) throw new PermanentError(`group ${missing} has no travellers in ${tables.travellers}`);

  const pairs = new Set<string>();
  for (const g of groups.values())
    for (const t of g.travellers) pairs.add(`${t.origin}>${g.destination}`).add(`${g.destination}>${t.origin}`);
  const origins = [...pairs].map((p) => p.split('>')[0]!);
  const destinations = [...pairs].map((p) => p.split('>')[1]!);
  const flights = await pool.query<Flight>(
    `select f.origin::text as origin, f.destination::text as destination,
            (extract(epoch from f.departure) / 60)::int as depart, (extract(epoch from f.arrival) / 60)::int as arrive,
            f.price::float8 as price
       from ${quoteTableName(tables.flights)} f
       join unnest($1::text[], $2::text[]) as r(origin, destination)
         on f.origin::text = r.origin and f.destination::text = r.destination
      order by f.origin, f.destination, f.departure, f.arrival, f.price`,
    [origins, destinations],
  );
  const routes = groupFlights(flights.rows);
  return { groups: ids.map((id) => groups.get(id)!), routeFlights: (o, d) => routes.get(`${o}>${d}`) ?? [] };
}

function groupFlights(flights: readonly Flight[]): Map<string, Flight[]> {
  const routes = new Map<string, Flight[]>();
  for (const f of flights) {
    const key = `${f.origin}>${f.destination}`;
    const list = routes.get(key);
    if (list) list.push(f);
    else routes.set(key, [f]);
  }
  return routes;
}
