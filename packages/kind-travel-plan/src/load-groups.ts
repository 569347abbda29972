import type pg from 'pg';
import { PermanentError, type TravelInput, quoteTableName } from '@partita/contracts';
import type { Groups } from '@partita/sdk';
import type { GroupRefs } from './plan.js';
import { fromRanges } from '@partita/partition';
import { generateGroup, generateRoute, parseClock, type Flight, type Group } from '@partita/travel';
import { classifyPgError } from '@partita/extract';

/** A partition's groups, and the flights of every route they use. */
export interface PartitionGroups {
  groups: Group[];
  routeFlights: (origin: string, destination: string) => readonly Flight[];
}

/** Rebuilds a generated or inline partition's groups from its references: regenerated, or taken from the spec. */
export function loadGroups(input: TravelInput, refs: GroupRefs): PartitionGroups {
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
  if (!('ids' in refs)) throw new PermanentError('an inline input needs group ids');
  if (!('inline' in input)) throw new PermanentError('a postgres input is read by groupsOf');
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

/**
 * A `postgres` partition's groups as groupsOf reads them (in the job's snapshot), travellers in name order, then the
 * flights of only the routes they fly.
 */
export async function loadFromPostgres(read: Groups, flightsTable: string, pool: pg.Pool): Promise<PartitionGroups> {
  const groups: Group[] = [];
  for await (const { key, rows } of read.groups) {
    const id = String(key['group_id']);
    const destination = String(rows[0]!['destination']);
    const travellers = rows
      .map((row) => {
        if (String(row['destination']) !== destination) {
          throw new PermanentError(`group ${id} has travellers bound for both ${destination} and ${String(row['destination'])}`);
        }
        return { name: String(row['person']), origin: String(row['home_airport']) };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    groups.push({ id, destination, travellers });
  }
  return withFlights(groups, flightsTable, pool).catch((err: unknown) => {
    throw classifyPgError(err);
  });
}

/** The flights of every route the groups fly, read for these routes only. */
async function withFlights(groups: Group[], flightsTable: string, pool: pg.Pool): Promise<PartitionGroups> {
  const pairs = new Set<string>();
  for (const g of groups) for (const t of g.travellers) pairs.add(`${t.origin}>${g.destination}`).add(`${g.destination}>${t.origin}`);
  const origins = [...pairs].map((p) => p.split('>')[0]!);
  const destinations = [...pairs].map((p) => p.split('>')[1]!);
  const flights = await pool.query<Flight>(
    `select f.origin::text as origin, f.destination::text as destination,
            (extract(epoch from f.departure) / 60)::int as depart, (extract(epoch from f.arrival) / 60)::int as arrive,
            f.price::float8 as price
       from ${quoteTableName(flightsTable)} f
       join unnest($1::text[], $2::text[]) as r(origin, destination)
         on f.origin::text = r.origin and f.destination::text = r.destination
      order by f.origin, f.destination, f.departure, f.arrival, f.price`,
    [origins, destinations],
  );
  const routes = groupFlights(flights.rows);
  return { groups, routeFlights: (o, d) => routes.get(`${o}>${d}`) ?? [] };
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
