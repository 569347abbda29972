import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureReaderRole } from '@partita/extract';
import { DATABASE_URL, READER_ROLE, SOURCE_DATABASE_URL } from '../support/env.js';
import { partitionMessages, uniqueName } from '../support/isolation.js';
import { startStack, type TestStack } from '../support/stack.js';
import { BUILTIN_KINDS } from '../support/kinds.js';

/**
 * Per-job limits of the master (MAX_PARTITIONS_PER_JOB, MAX_GROUPS_PER_JOB, MAX_ROWS_PER_JOB), set small: a job just
 * over a limit is a 400 naming the field and the limit, with nothing recorded or enqueued and no snapshot left open;
 * a job at the limit is accepted. Extract limits are checked against real tables.
 */
describe('per-job limits on POST /jobs', () => {
  let stack: TestStack;
  let db: pg.Client;
  let S: string;
  const sourceApp = uniqueName('limits-src-');
  const accepted = new Map<string, string>();

  beforeAll(async () => {
    stack = await startStack({
      workers: 0,
      env: {
        MAX_PARTITIONS_PER_JOB: '5',
        MAX_GROUPS_PER_JOB: '50',
        MAX_ROWS_PER_JOB: '1000',
        // This master's source connections (its snapshots among them) carry a name of their own.
        SOURCE_DATABASE_URL: `${SOURCE_DATABASE_URL}?application_name=${sourceApp}`,
      },
    });
    // The source tables live in a schema of their own, which the reader role may read (the catalog's it may not).
    S = uniqueName('src_');
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    await db.query(`create schema ${S}`);
    await ensureReaderRole(db, READER_ROLE, [S]);
    await db.query(`
      create table ${S}.rows_1000 (id int primary key, v text);
      insert into ${S}.rows_1000 select g, 'v' || g from generate_series(1, 1000) g;
      create table ${S}.rows_1001 (id int primary key, v text);
      insert into ${S}.rows_1001 select g, 'v' || g from generate_series(1, 1001) g;
      create table ${S}.heap_1001 (n int, v text);
      insert into ${S}.heap_1001 select g, 'v' || g from generate_series(1, 1001) g;
      create table ${S}.groups_50 (group_id text, person text, home_airport text, destination text);
      insert into ${S}.groups_50 select 'g' || (g % 50), 'p' || g, 'BOS', 'LGA' from generate_series(1, 120) g;
      create table ${S}.groups_51 (group_id text, person text, home_airport text, destination text);
      insert into ${S}.groups_51 select 'g' || (g % 51), 'p' || g, 'BOS', 'LGA' from generate_series(1, 120) g;
      create table ${S}.flights (origin text, destination text, departure time, arrival interval, price numeric(10,2));
      insert into ${S}.flights values ('BOS', 'LGA', '06:00', '07:10', 100), ('LGA', 'BOS', '18:00', '19:05', 90);
    `);
  });

  afterAll(async () => {
    await stack?.close(true);
    // After the stack: its snapshots no longer hold the source tables.
    await db?.query(`drop schema if exists ${S} cascade`);
    await db?.end();
  });

  const post = async (spec: unknown) => {
    const res = await stack.master.app.inject({
      method: 'POST',
      url: '/jobs',
      payload: JSON.stringify(spec),
      headers: { 'content-type': 'application/json' },
    });
    return { status: res.statusCode, json: res.json<{ id?: string; message?: string; issues?: { path: string; message: string }[] }>() };
  };

  async function refused(spec: unknown, path: string, message: RegExp): Promise<void> {
    const res = await post(spec);
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect(res.json.message).toBe(`${path}: ${res.json.issues![0]!.message}`);
  }

  async function acceptedWith(spec: { kind: string }, partitions: number): Promise<void> {
    const res = await post(spec);
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const job = await stack.getJob(res.json.id!);
    expect(job.partitions).toHaveLength(partitions);
    accepted.set(res.json.id!, spec.kind);
  }

  const travel = (input: unknown, partitions?: number) => ({
    kind: 'travel-plan',
    input,
    ...(partitions === undefined ? {} : { partitions }),
    output: { container: stack.container },
  });
  const inline = (groups: number) => ({
    inline: {
      groups: Array.from({ length: groups }, (_, i) => ({ id: `g${i}`, destination: 'LGA', travellers: [{ name: 'A', origin: 'BOS' }] })),
      flights: [
        { origin: 'BOS', destination: 'LGA', depart: '6:00', arrive: '7:10', price: 100 },
        { origin: 'LGA', destination: 'BOS', depart: '18:00', arrive: '19:05', price: 90 },
      ],
    },
  });
  const extract = (source: unknown, chunks: unknown) => ({
    kind: 'sql-extract',
    source,
    chunks,
    output: { container: stack.container },
    dataset: { name: 'limits' },
  });

  it('travel groups: generated, inline and read from a table, over the limit → 400; at the limit → accepted', async () => {
    const groups = /^\d+ groups, over this master's limit of 50 groups per job \(MAX_GROUPS_PER_JOB\)$/;
    await refused(travel({ generate: { groups: 51 } }, 5), 'input.generate.groups', groups);
    await refused(travel({ generate: { groups: 1_000_000 } }, 5), 'input.generate.groups', /^1,000,000 groups, over .* limit of 50 groups/);
    await refused(travel(inline(51), 5), 'input.inline.groups', groups);
    await refused(
      travel({ postgres: { travellers: `${S}.groups_51`, flights: `${S}.flights` } }, 5),
      'input.postgres.travellers',
      /holds more than 50 groups, over this master's limit of 50 groups per job \(MAX_GROUPS_PER_JOB\)/,
    );
    await acceptedWith(travel({ generate: { groups: 50 } }, 5), 5);
    await acceptedWith(travel(inline(50), 5), 5);
    await acceptedWith(travel({ postgres: { travellers: `${S}.groups_50`, flights: `${S}.flights` } }, 5), 5);
  });

  it('travel partitions: the partitions a job would get (never more than its groups) over the limit → 400; at it → accepted', async () => {
    const partitions = /^6 partitions, over this master's limit of 5 partitions per job \(MAX_PARTITIONS_PER_JOB\)$/;
    await refused(travel({ generate: { groups: 50 } }, 6), 'partitions', partitions);
    await refused(travel({ generate: { groups: 6 } }), 'partitions', partitions); // the default of 16, but 6 groups
    await acceptedWith(travel({ generate: { groups: 5 } }), 5); // the default of 16, but 5 groups
    await acceptedWith(travel({ generate: { groups: 9 } }, 5), 5);
  });

  it('extract chunks: chunks.count, or rowsPerChunk giving too many chunks for the rows counted → 400; at the limit → accepted', async () => {
    const table = { table: `${S}.rows_1000` };
    await refused(extract(table, { count: 6 }), 'chunks.count', /^6 chunks, over this master's limit of 5 partitions per job/);
    await refused(
      extract(table, { rowsPerChunk: 199 }),
      'chunks.rowsPerChunk',
      /^199 rows per chunk give 6 chunks for about 1,000 rows \(ask for at least 200 rows per chunk\), over this master's limit of 5 partitions/,
    );
    await acceptedWith(extract(table, { count: 5 }), 5);
    await acceptedWith(extract(table, { rowsPerChunk: 200 }), 5);
  });

  it('extract rows: a table, a table split by blocks, and a query holding more rows than the limit → 400 naming the source; at it → accepted', async () => {
    const rows = /^the source holds about 1,001 rows, over this master's limit of 1,000 rows per job \(MAX_ROWS_PER_JOB\)$/;
    await refused(extract({ table: `${S}.rows_1001` }, { count: 2 }), 'source', rows);
    await refused(extract({ table: `${S}.heap_1001` }, { count: 2 }), 'source', rows);
    await refused(extract({ query: `select id, v from ${S}.rows_1001`, key: 'id' }, { count: 2 }), 'source', rows);
    // The rows counted are the ones the extract reads: a condition brings the table within the limit.
    await acceptedWith(extract({ table: `${S}.rows_1001`, where: 'id > 1' }, { count: 2 }), 2);
    await acceptedWith(extract({ query: `select id, v from ${S}.rows_1001 where id <= 1000`, key: 'id' }, { count: 1 }), 1);
  });

  it('refused jobs left nothing behind: no job, no message, no open snapshot; the accepted ones are all there', async () => {
    const { rows: jobs } = await db.query<{ id: string; kind: string; partitions: number }>(
      `select j.id::text as id, j.kind, (select count(*)::int from "${stack.schema}".partitions p where p.job_id = j.id) as partitions from "${stack.schema}".jobs j`,
    );
    expect(new Map(jobs.map((j) => [j.id, j.kind]))).toEqual(accepted);
    expect(accepted.size).toBe(9);

    for (const kind of BUILTIN_KINDS) {
      const messages = await partitionMessages(stack.prefix, kind);
      for (const m of messages) expect(accepted.get((m.data as { jobId: string }).jobId), `message ${m.id}`).toBe(kind);
      expect(messages).toHaveLength(jobs.filter((j) => j.kind === kind).reduce((a, j) => a + j.partitions, 0));
    }

    // Each accepted job that reads a source (an extract, a travel job's postgres input) holds its snapshot while it
    // waits; every refused one released its own.
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where application_name = $1 and state like 'idle in transaction%'`,
      [sourceApp],
    );
    const { rows: reading } = await db.query<{ n: number }>(
      `select count(*)::int as n from "${stack.schema}".jobs where kind = 'sql-extract' or spec->'input' ? 'postgres'`,
    );
    expect(reading[0]!.n).toBe(5);
    expect(rows[0]!.n).toBe(reading[0]!.n);
  });
});
