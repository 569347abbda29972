import { Writable } from 'node:stream';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectAs, readerRoleProblems } from '@partita/extract';
import { createLogger } from '@partita/telemetry';
import { readMasterEnv } from '../../apps/master/src/env.js';
import { startMaster } from '../../apps/master/src/master.js';
import { readWorkerEnv } from '../../apps/worker/src/env.js';
import { startWorker } from '../../apps/worker/src/worker.js';
import { DATABASE_URL, REDIS_URL, SOURCE_DATABASE_URL } from '../support/env.js';
import { deletePrefix, dropSchema, uniqueName } from '../support/isolation.js';

/**
 * The role sources are read as must be a reader: the check finds each right too many, and a master or a worker whose
 * SOURCE_DATABASE_URL logs in as more than a reader does not start, unless ALLOW_PRIVILEGED_SOURCE says so, loudly.
 */
describe('the source role', () => {
  let admin: pg.Client;
  let role: string;
  let schema: string;
  beforeEach(async () => {
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    role = uniqueName('r_');
    schema = uniqueName('s_');
    await admin.query(
      `create role ${role} login; create schema ${schema}; create schema ${schema}_cat; create table ${schema}.t (id int); create sequence ${schema}.q`,
    );
    await admin.query(`grant usage on schema ${schema} to ${role}; grant select on ${schema}.t to ${role}`);
  });
  afterEach(async () => {
    await admin.query(`drop schema if exists ${schema} cascade; drop schema if exists ${schema}_cat cascade`);
    await admin.query(`drop owned by ${role}; drop role if exists ${role}`);
    await admin.end();
  });

  async function problemsOf(): Promise<string[]> {
    const client = new pg.Client({ connectionString: connectAs(DATABASE_URL, role) });
    await client.connect();
    try {
      return await readerRoleProblems(client, { catalogSchema: `${schema}_cat` });
    } finally {
      await client.end();
    }
  }

  it('finds every right beyond reading', async () => {
    expect(await problemsOf()).toEqual([]);
    const grants: Array<[string, RegExp]> = [
      [`grant insert on ${schema}.t to ${role}`, /may write tables .*\.t/],
      [`grant pg_signal_backend to ${role}`, /member of pg_signal_backend/],
      [`grant pg_read_server_files to ${role}`, /member of pg_read_server_files/],
      [`grant create on schema ${schema} to ${role}`, /create objects in schemas/],
      [`grant update on sequence ${schema}.q to ${role}`, /advance sequences/],
      [`alter role ${role} createrole`, /CREATEROLE/],
      [`alter role ${role} superuser`, /SUPERUSER/],
    ];
    for (const [grant, problem] of grants) {
      await admin.query(grant);
      const problems = await problemsOf();
      expect(problems.join('; '), grant).toMatch(problem);
      expect(problems.join('; ')).toContain(`role ${role}:`);
    }
    // Each right taken back: a reader again. Then the catalog's schema: using it is a right too many.
    await admin.query(`alter role ${role} nosuperuser nocreaterole; revoke create on schema ${schema} from ${role}`);
    await admin.query(`revoke insert on ${schema}.t from ${role}; revoke update on sequence ${schema}.q from ${role}`);
    await admin.query(`revoke pg_signal_backend, pg_read_server_files from ${role}`);
    expect(await problemsOf()).toEqual([]);
    await admin.query(`grant usage on schema ${schema}_cat to ${role}`);
    expect((await problemsOf()).join('; ')).toMatch(/use the catalog's schema/);
  });

  it('a master and a worker refuse to start with a writer as the source role, unless told to, with a warning', async () => {
    const catalogSchema = uniqueName('t_');
    const lines: string[] = [];
    const log = createLogger({
      name: 'test',
      level: 'warn',
      destination: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }),
    });
    const env = {
      DATABASE_URL,
      REDIS_URL,
      CATALOG_SCHEMA: catalogSchema,
      QUEUE_PREFIX: uniqueName('ptest-'),
      AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      API_AUTH: 'off',
      PORT: '0',
      HOST: '127.0.0.1',
      WORKER_HTTP_PORT: '-1',
      LOG_LEVEL: 'warn',
      // The catalog's own login, a superuser here: never a source role.
      SOURCE_DATABASE_URL: DATABASE_URL,
    };
    await expect(startMaster(readMasterEnv(env), log)).rejects.toThrow(
      /sources would be read by a role that can do more than read: .*SUPERUSER.*ALLOW_PRIVILEGED_SOURCE/s,
    );
    await expect(startWorker(readWorkerEnv({ ...env, WORKER_ID: 'w1' }), log)).rejects.toThrow(/SUPERUSER/);
    // Nothing was created before the refusal.
    const created = await admin.query('select 1 from pg_namespace where nspname = $1', [catalogSchema]);
    expect(created.rowCount).toBe(0);

    const master = await startMaster(readMasterEnv({ ...env, ALLOW_PRIVILEGED_SOURCE: 'true' }), log);
    try {
      expect(lines.join('')).toMatch(/ALLOW_PRIVILEGED_SOURCE is on: sources would be read by a role that can do more than read/);
    } finally {
      await master.close();
      await dropSchema(catalogSchema);
      await deletePrefix(env.QUEUE_PREFIX);
    }
    // The reader the tests use passes.
    const reader = new pg.Client({ connectionString: SOURCE_DATABASE_URL });
    await reader.connect();
    expect(await readerRoleProblems(reader).finally(() => reader.end())).toEqual([]);
  });
});
