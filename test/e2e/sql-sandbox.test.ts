import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobView } from '@partita/contracts';
import { describeColumns, planChunks, readerRoleProblems } from '@partita/extract';
import { DATABASE_URL, READER_ROLE, SOURCE_DATABASE_URL } from '../support/env.js';
import { ApiClient, type ApiAnswer } from '../support/faults-api.js';
import { uniqueName } from '../support/isolation.js';
import { readJobResult } from '../support/results.js';
import { useSourceSchema } from '../support/source-schema.js';
import { useStack } from '../support/stack.js';

/**
 * The extract's sandbox, attacked as an outsider with only a `write` token would. Each attack is refused with a 400
 * naming the field, or fails for lack of privilege; in every case nothing is written, no backend is signalled, no
 * file is read or made, and nothing outside the schemas the reader may read reaches an answer or a result.
 */

const TOKEN = randomBytes(24).toString('base64url');
const PLAN_TIMEOUT_MS = 4000;

type Field = 'source.query' | 'source.where' | 'source.table';

interface Canaries {
  /** The source schema the reader may read: table `t`. */
  schema: string;
  /** A schema the reader may not read, holding `secret.v`. */
  secretSchema: string;
  secret: string;
  /** A session of another role, which no attack may end; its application_name is a secret too. */
  bystander: pg.Client;
  bystanderPid: number;
  bystanderName: string;
  /** A file no attack may create. */
  file: string;
}

describe('the extract sandbox under attack with a write token', () => {
  const source = useSourceSchema();
  const app = uniqueName('sandbox-src-');
  const ctx = useStack({
    workers: 1,
    workerMode: 'in-process',
    env: {
      API_AUTH: 'on',
      API_TOKENS: `attacker:write:${TOKEN}`,
      PLAN_TIMEOUT_MS: String(PLAN_TIMEOUT_MS),
      SOURCE_DATABASE_URL: `${SOURCE_DATABASE_URL}?application_name=${app}`,
    },
  });
  let c: Canaries;
  let admin: pg.Client;

  beforeEach(async () => {
    const schema = source.schema;
    const secretSchema = `${schema}_secret`;
    const secret = `secret-${randomBytes(8).toString('hex')}`;
    await source.sql(`
      create table ${schema}.t (id int primary key, v text);
      insert into ${schema}.t select g, 'v' || g from generate_series(1, 20) g;
      create schema ${secretSchema};
      create table ${secretSchema}.secret (v text);
      insert into ${secretSchema}.secret values ('${secret}');
    `);
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    const bystanderName = `bystander-${randomBytes(6).toString('hex')}`;
    const bystander = new pg.Client({ connectionString: DATABASE_URL, application_name: bystanderName });
    await bystander.connect();
    const bystanderPid = (await bystander.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    c = { schema, secretSchema, secret, bystander, bystanderPid, bystanderName, file: join(tmpdir(), uniqueName('pwned-')) };
  });

  afterEach(async () => {
    await c.bystander.end().catch(() => undefined);
    await admin.query(`drop schema if exists ${c.secretSchema} cascade`);
    await admin.end();
  });

  const api = (): ApiClient => new ApiClient(ctx.stack.baseUrl, TOKEN);
  const spec = (src: Record<string, unknown>) => ({
    kind: 'sql-extract',
    source: src,
    chunks: { count: 2 },
    output: { container: ctx.stack.container },
    dataset: { name: 'attack' },
  });

  /** The state no attack may change: the table, the schema's objects, the bystander, the file, the reader's rights. */
  async function state(): Promise<string> {
    const t = await admin.query(`select id, v from ${c.schema}.t order by id`);
    const objects = await admin.query(
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 order by 1`,
      [c.schema],
    );
    const alive = await c.bystander.query<{ pid: number }>('select pg_backend_pid() as pid');
    const reader = new pg.Client({ connectionString: SOURCE_DATABASE_URL });
    await reader.connect();
    const problems = await readerRoleProblems(reader).finally(() => reader.end());
    return JSON.stringify({
      t: t.rows,
      objects: objects.rows,
      bystander: alive.rows[0]?.pid === c.bystanderPid,
      file: existsSync(c.file),
      problems,
    });
  }

  /** Waits for an accepted job to end; no answer or result may show the secrets. */
  async function settle(answer: ApiAnswer): Promise<JobView | null> {
    expect(answer.text).not.toContain(c.secret);
    expect(answer.text).not.toContain(c.bystanderName);
    if (answer.status !== 202) return null;
    const id = (answer.json as { id: string }).id;
    const job = await api().waitForJob(id, 60_000);
    expect(JSON.stringify(job)).not.toContain(c.secret);
    if (job.status === 'succeeded') {
      const { rows } = await readJobResult(ctx.stack, job);
      const text = JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      expect(text).not.toContain(c.secret);
      expect(text).not.toContain(c.bystanderName);
    }
    return job;
  }

  it('second statements, functions that write or signal, files, programs and other schemas: refused, nothing done', async () => {
    const s = c.schema;
    const kill = `pg_terminate_backend(${c.bystanderPid})`;
    const attacks: Array<[string, Record<string, unknown>, Field, RegExp]> = [
      // A second statement smuggled past the parentheses, through each construct the old lexer misread.
      [
        'quotes',
        { query: `select id from ${s}.t where v = 'a'') q; commit; create table ${s}.pwn(); select (1'`, key: 'id' },
        'source.query',
        /./,
      ],
      [
        'dollar quotes',
        { query: `select id from ${s}.t where v = $a$x$a$) q; commit; create table ${s}.pwn(); select ($$`, key: 'id' },
        'source.query',
        /./,
      ],
      [
        'an identifier with $ and a non-ASCII letter',
        { query: `select é$$ from ${s}.t) q; commit; create table ${s}.pwn(); select * from (select 1 as é$$`, key: 'é$$' },
        'source.query',
        /./,
      ],
      ['a comment', { query: `select id from ${s}.t /* ) q; commit; */ ; create table ${s}.pwn()`, key: 'id' }, 'source.query', /./],
      [
        'an E string',
        { query: `select id from ${s}.t where v = E'\\'') q; commit; create table ${s}.pwn(); select (1 --'`, key: 'id' },
        'source.query',
        /./,
      ],
      [
        'a where with an E string',
        { table: `${s}.t`, where: `v = E'\\'') or true; commit; create table ${s}.pwn(); select (1` },
        'source.where',
        /./,
      ],
      [
        'a where with a non-ASCII identifier',
        { table: `${s}.t`, where: `é$$ = 1) ; create table ${s}.pwn() ; select (1$$` },
        'source.where',
        /./,
      ],
      // Functions anywhere in the tree.
      ['LIMIT', { query: `select id from ${s}.t limit ${kill}::int`, key: 'id' }, 'source.query', /pg_terminate_backend\(\)/],
      ['OFFSET', { query: `select id from ${s}.t offset ${kill}::int`, key: 'id' }, 'source.query', /pg_terminate_backend\(\)/],
      ['VALUES', { query: `values (1), (${kill}::int)`, key: 'column1' }, 'source.query', /pg_terminate_backend\(\)/],
      ['ORDER BY', { query: `select id from ${s}.t order by ${kill}`, key: 'id' }, 'source.query', /pg_terminate_backend\(\)/],
      ['GROUP BY', { query: `select id from ${s}.t group by id, ${kill}`, key: 'id' }, 'source.query', /pg_terminate_backend\(\)/],
      ['HAVING', { query: `select id from ${s}.t group by id having ${kill}`, key: 'id' }, 'source.query', /pg_terminate_backend\(\)/],
      [
        'a window',
        { query: `select id, rank() over (order by ${kill}) as r from ${s}.t`, key: 'id' },
        'source.query',
        /pg_terminate_backend\(\)/,
      ],
      [
        'a subquery',
        { query: `select id from ${s}.t where exists (select ${kill})`, key: 'id' },
        'source.query',
        /pg_terminate_backend\(\)/,
      ],
      [
        'a where subquery',
        { table: `${s}.t`, where: `id in (select id from ${s}.t limit ${kill}::int)` },
        'source.where',
        /pg_terminate_backend\(\)/,
      ],
      [
        'set_config',
        { query: `select id, set_config('role', 'postgres', false) as r from ${s}.t`, key: 'id' },
        'source.query',
        /set_config\(\)/,
      ],
      // Files, programs, other databases.
      [
        'COPY TO PROGRAM',
        { query: `copy ${s}.t to program 'touch ${c.file}'`, key: 'id' },
        'source.query',
        /one SELECT statement, not COPY/,
      ],
      ['pg_read_file', { query: `select 1 as id, pg_read_file('/etc/hostname') as f`, key: 'id' }, 'source.query', /pg_read_file\(\)/],
      ['lo_import', { query: `select lo_import('/etc/hostname') as id`, key: 'id' }, 'source.query', /lo_import\(\)/],
      [
        'dblink',
        { query: `select * from dblink('dbname=test', 'create table ${s}.pwn()') as r(id int)`, key: 'id' },
        'source.query',
        /dblink/,
      ],
      // What the reader may not read: the roles' passwords, the catalog, another schema.
      ['pg_authid as a table', { table: 'pg_catalog.pg_authid' }, 'source.table', /permission denied/],
      ['pg_authid in a query', { query: 'select oid as id, rolpassword from pg_authid', key: 'id' }, 'source.query', /permission denied/],
      ['the catalog', { table: `${ctx.stack.schema}.jobs` }, 'source.table', /permission denied/],
      ['the catalog in a query', { query: `select 1 as id from ${ctx.stack.schema}.jobs`, key: 'id' }, 'source.query', /permission denied/],
      ['another schema', { query: `select v as id from ${c.secretSchema}.secret`, key: 'id' }, 'source.query', /permission denied/],
      // A cast error would quote the value it could not cast: other sessions' names, or a row's value.
      [
        'a cast error on other sessions',
        { table: `${s}.t`, where: `(select string_agg(application_name, ',') from pg_stat_activity)::int > 0` },
        'source.where',
        /invalid_text_representation \(SQLSTATE 22P02/,
      ],
    ];
    const before = await state();
    for (const [name, src, field, message] of attacks) {
      const answer = await api().request('POST', '/jobs', spec(src));
      const job = await settle(answer);
      if (answer.status === 400) {
        const issue = (answer.json as { issues: Array<{ path: string; message: string }> }).issues.find((i) => i.path === field);
        expect(issue, `${name}: ${answer.text}`).toBeDefined();
        expect(issue!.message, name).toMatch(message);
      } else {
        // Accepted only as the one harmless SELECT PostgreSQL's parser read it as: it reads the table, nothing else.
        expect(answer.status, `${name}: ${answer.text}`).toBe(202);
        expect(job?.status, name).toBe('succeeded');
      }
      expect(await state(), name).toBe(before);
    }
  });

  it('random fragments in a query or a condition never write, signal or read outside the allowed schema (property)', async () => {
    const s = c.schema;
    const piece = fc.constantFrom(
      "'",
      '"',
      '$$',
      '$a$',
      ')',
      '(',
      '--',
      '/*',
      '*/',
      '\n',
      'é',
      "E'\\'",
      ';',
      ' ',
      'q',
      'commit',
      'select',
      `create table ${s}.pwn()`,
      `pg_terminate_backend(${c.bystanderPid})`,
      `${c.secretSchema}.secret`,
      'v',
      'id',
      '1',
      ',',
      '=',
    );
    const before = await state();
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(piece, { maxLength: 10 }), async (asQuery, pieces) => {
        const text = pieces.join(' ');
        const src = asQuery ? { query: `select id, v from ${s}.t where ${text}`, key: 'id' } : { table: `${s}.t`, where: text };
        const answer = await api().request('POST', '/jobs', spec(src));
        expect([202, 400], answer.text).toContain(answer.status);
        await settle(answer);
        expect(await state(), text).toBe(before);
      }),
      { numRuns: 60 },
    );
  });

  it('planning is bounded: an endless or huge query gets a 408 within PLAN_TIMEOUT_MS, and no backend keeps running', async () => {
    const s = c.schema;
    const running = async (): Promise<number> =>
      Number(
        (
          await admin.query<{ n: string }>(
            `select count(*) as n from pg_stat_activity
              where usename = $1 and application_name = $2 and state = 'active' and query like '%generate_series%'`,
            [READER_ROLE, app],
          )
        ).rows[0]!.n,
      );
    const slow = [
      [
        'an endless recursive CTE',
        { query: 'with recursive r(n) as (select 1 union all select n + 1 from r) select n from r /* generate_series */', key: 'n' },
      ],
      [
        'a huge cross join',
        { query: 'select a.i as id from generate_series(1, 100000000) a(i) cross join generate_series(1, 100000) b(j)', key: 'id' },
      ],
    ] as const;
    for (const [name, src] of slow) {
      const answer = await api().request('POST', '/jobs', spec(src));
      expect(answer.status, `${name}: ${answer.text}`).toBe(408);
      expect(answer.ms, name).toBeLessThan(PLAN_TIMEOUT_MS + 3000);
      const issue = (answer.json as { issues: Array<{ path: string; message: string }> }).issues[0]!;
      expect(issue).toMatchObject({ path: 'source.query', message: expect.stringMatching(/PLAN_TIMEOUT_MS/) as unknown });
      await expect.poll(running, { timeout: 2000 }).toBe(0);
    }
    // pg_sleep is refused before anything runs.
    const sleep = await api().request('POST', '/jobs', spec({ query: `select id from ${s}.t where pg_sleep(600) is not null`, key: 'id' }));
    expect(sleep.status).toBe(400);
    expect(sleep.ms).toBeLessThan(PLAN_TIMEOUT_MS);

    // A client that goes away: its plan's statement is cancelled at once, long before the timeout.
    const gone = new AbortController();
    const request = fetch(`${ctx.stack.baseUrl}/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(spec(slow[1][1])),
      signal: gone.signal,
    }).catch((err: unknown) => err);
    await expect.poll(running, { timeout: 2000, interval: 50 }).toBe(1);
    const abandoned = Date.now();
    gone.abort();
    await request;
    await expect.poll(running, { timeout: 2000, interval: 50 }).toBe(0);
    expect(Date.now() - abandoned).toBeLessThan(PLAN_TIMEOUT_MS / 2);
    // Nothing was recorded, and no snapshot is left open.
    expect(((await api().request('GET', '/jobs')).json as { items: unknown[] }).items).toEqual([]);
    const snapshots = await admin.query(
      `select 1 from pg_stat_activity where usename = $1 and application_name = $2 and state like 'idle in transaction%'`,
      [READER_ROLE, app],
    );
    expect(snapshots.rowCount).toBe(0);
  });
});

describe('each step that runs user text refuses a second statement, whatever reaches it', () => {
  const source = useSourceSchema();
  let reader: pg.Client;
  beforeEach(async () => {
    await source.sql(`create table ${source.schema}.t (id int primary key, v text); insert into ${source.schema}.t values (1, 'a')`);
    reader = new pg.Client({ connectionString: SOURCE_DATABASE_URL });
    await reader.connect();
  });
  afterEach(async () => {
    await reader.end();
  });

  /** Runs a step in a read-only transaction, as planning does, and says how PostgreSQL refused it. */
  async function refusal(step: () => Promise<unknown>): Promise<string | undefined> {
    await reader.query('begin isolation level repeatable read read only');
    try {
      await step();
      return undefined;
    } catch (err) {
      return (err as { code?: string }).code;
    } finally {
      await reader.query('rollback');
    }
  }

  it('describe, count and quantiles: "cannot insert multiple commands" (42601), and the second statement never runs', async () => {
    const s = source.schema;
    const second = `select pg_catalog.set_config('application_name', 'pwned', false)`;
    // Text the parser check would refuse, handed to each step directly, as if that check were gone.
    expect(await refusal(() => describeColumns(reader, { query: `select 1 as id) q limit 0; ${second}; select * from (select 1` }))).toBe(
      '42601',
    );
    expect(
      await refusal(() =>
        planChunks(reader, { query: `select id from ${s}.t) q; ${second}; select * from (select 1 as id` }, { chunks: 2 }, { key: 'id' }),
      ),
    ).toBe('42601');
    expect(await refusal(() => planChunks(reader, { table: `${s}.t`, where: `true); ${second}; select (true` }, { chunks: 2 }))).toBe(
      '42601',
    );
    expect((await reader.query<{ a: string }>(`select current_setting('application_name') as a`)).rows[0]!.a).not.toBe('pwned');
    // The role these steps run as is a reader: it would be refused the write anyway.
    expect(await readerRoleProblems(reader)).toEqual([]);
  });
});
