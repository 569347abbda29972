import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateGroup, generateRoute, type Flight, type Group } from '@partita/travel';
import { ensureReaderRole } from '@partita/extract';
import { DATABASE_URL, READER_ROLE } from '../support/env.js';
import { uniqueName } from '../support/isolation.js';
import { readTravelResult } from '../support/results.js';
import { useStack } from '../support/stack.js';
import { checkTravelRows } from '../support/travel-check.js';

const hhmm = (m: number) => `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;

describe('travel-plan inputs: inline and PostgreSQL tables (in-process workers)', () => {
  const ctx = useStack({ workers: 2, workerMode: 'in-process' });

  it('inline groups and flights, with the exact optimum and the gap', async () => {
    const { stack } = ctx;
    // Flights in the book's format (H:MM), every route both ways.
    const airports = ['BOS', 'DAL', 'CAK', 'MIA', 'ORD', 'OMA'];
    const flights = airports.flatMap((a, i) =>
      [0, 1, 2, 3].flatMap((k) => [
        {
          origin: a,
          destination: 'LGA',
          depart: hhmm(360 + 97 * k + 11 * i),
          arrive: hhmm(470 + 97 * k + 13 * i),
          price: 90 + 37 * ((k + i) % 5),
        },
        {
          origin: 'LGA',
          destination: a,
          depart: hhmm(900 + 83 * k + 7 * i),
          arrive: hhmm(1010 + 83 * k + 5 * i),
          price: 80 + 41 * ((k * 2 + i) % 5),
        },
      ]),
    );
    const groups = [
      { id: 'family', destination: 'LGA', travellers: airports.map((origin, i) => ({ name: `p${i}`, origin })) },
      {
        id: 'pair',
        destination: 'LGA',
        travellers: [
          { name: 'Seymour', origin: 'BOS' },
          { name: 'Franny', origin: 'DAL' },
        ],
      },
    ];
    const id = await stack.submit({
      kind: 'travel-plan',
      input: { inline: { groups, flights } },
      optimizer: { algorithm: 'genetic', exactGap: true, seed: 3 },
      partitions: 2,
      output: { container: stack.container, prefix: 'inline' },
    });
    const job = await stack.waitForJob(id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const rows = (await readTravelResult(stack, job)).rows;
    const toMinutes = (s: string) => Number(s.split(':')[0]) * 60 + Number(s.split(':')[1]);
    const parsed: Flight[] = flights.map((f) => ({ ...f, depart: toMinutes(f.depart), arrive: toMinutes(f.arrive) }));
    checkTravelRows(rows, groups, (o, d) => parsed.filter((f) => f.origin === o && f.destination === d));
    for (const row of rows) {
      expect(row.group_optimum).not.toBeNull();
      expect(row.group_cost).toBeGreaterThanOrEqual(row.group_optimum!);
      expect(row.group_gap).toBeCloseTo(row.group_cost / row.group_optimum! - 1, 9);
      expect(row.algorithm).toBe('genetic');
    }

    // The exact solver with exactGap: accepted, its optimum is its own cost and the gap 0.
    const exact = await stack.waitForJob(
      await stack.submit({
        kind: 'travel-plan',
        input: { inline: { groups, flights } },
        optimizer: { algorithm: 'exact', exactGap: true },
        partitions: 2,
        output: { container: stack.container, prefix: 'inline-exact' },
      }),
    );
    expect(exact.status, JSON.stringify(exact.error)).toBe('succeeded');
    const exactRows = (await readTravelResult(stack, exact)).rows;
    expect(exactRows).toHaveLength(rows.length);
    for (const row of exactRows) expect([row.algorithm, row.group_cost, row.group_gap]).toEqual(['exact', row.group_optimum, 0]);
  });

  describe('from PostgreSQL tables', () => {
    let sourceSchema: string;
    let client: pg.Client;
    beforeEach(async () => {
      sourceSchema = uniqueName('src_');
      client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`create schema ${sourceSchema}`);
      await ensureReaderRole(client, READER_ROLE, [sourceSchema]);
      await client.query(`create table ${sourceSchema}.travellers (group_id text, person text, home_airport text, destination text)`);
      await client.query(
        `create table ${sourceSchema}.flights (origin text, destination text, departure time, arrival interval, price numeric(10,2))`,
      );
    });
    afterEach(async () => {
      if (ctx.passed) await client.query(`drop schema ${sourceSchema} cascade`);
      await client.end();
    });

    const sourceInput = () => ({ postgres: { travellers: `${sourceSchema}.travellers`, flights: `${sourceSchema}.flights` } });

    async function load(groups: readonly Group[], seed: number, skipRouteFrom?: string): Promise<void> {
      const travellers = groups.flatMap((g) => g.travellers.map((t) => [g.id, t.name, t.origin, g.destination]));
      await client.query(
        `insert into ${sourceSchema}.travellers select * from json_populate_recordset(null::${sourceSchema}.travellers, $1)`,
        [
          JSON.stringify(
            travellers.map(([group_id, person, home_airport, destination]) => ({ group_id, person, home_airport, destination })),
          ),
        ],
      );
      const routes = new Set(
        groups.flatMap((g) => g.travellers.flatMap((t) => [`${t.origin}>${g.destination}`, `${g.destination}>${t.origin}`])),
      );
      const flights = [...routes].flatMap((route) => {
        const [o, d] = route.split('>') as [string, string];
        return o === skipRouteFrom ? [] : generateRoute(seed, o, d);
      });
      await client.query(
        `insert into ${sourceSchema}.flights
         select f.origin, f.destination, make_interval(mins => f.depart)::time, make_interval(mins => f.arrive), f.price
           from json_to_recordset($1) as f(origin text, destination text, depart int, arrive int, price numeric)`,
        [JSON.stringify(flights)],
      );
    }

    it("reads each partition's groups and the routes they need", async () => {
      const { stack } = ctx;
      const groups = Array.from({ length: 24 }, (_, i) => generateGroup(11, i));
      await load(groups, 11);
      const id = await stack.submit({
        kind: 'travel-plan',
        input: sourceInput(),
        optimizer: { algorithm: 'exact' },
        partitioner: 'hash',
        partitions: 4,
        output: { container: stack.container, prefix: 'pg' },
      });
      const job = await stack.waitForJob(id);
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      expect(job.progress.itemsTotal).toBe(24);
      const rows = (await readTravelResult(stack, job)).rows;
      checkTravelRows(rows, groups, (o, d) => generateRoute(11, o, d));
      for (const row of rows) expect(row.group_gap).toBe(0);
    });

    it('a partition that cannot succeed fails the job with its error; the others still finish', async () => {
      const { stack } = ctx;
      const groups = Array.from({ length: 12 }, (_, i) => generateGroup(5, i));
      const broken = groups[4]!.travellers[0]!.origin; // no flights from this airport at all
      await load(groups, 5, broken);
      const id = await stack.submit({
        kind: 'travel-plan',
        input: sourceInput(),
        optimizer: { algorithm: 'annealing' },
        partitioner: 'round-robin',
        partitions: 3,
        retry: { attempts: 3, backoffMs: 10 },
        output: { container: stack.container, prefix: 'broken' },
      });
      const job = await stack.waitForJob(id);
      expect(job.status).toBe('failed');
      const failed = job.partitions.filter((p) => p.status === 'failed');
      expect(failed.length).toBeGreaterThanOrEqual(1);
      for (const p of failed) {
        expect(p.attempts).toBe(1); // a permanent error is not retried
        expect(p.error?.message).toMatch(new RegExp(`no flights on route ${broken}->`));
        expect(p.error?.retryable).toBe(false);
      }
      expect(job.partitions.filter((p) => p.status === 'succeeded').length).toBe(3 - failed.length);
      expect(job.error?.message).toMatch(/partitions failed/);
      expect(job.output.manifest).toBeNull();
    });
  });
});
