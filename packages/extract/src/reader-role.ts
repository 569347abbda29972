// The role sources are read as: it may read the schemas a deployment allows, and nothing else.
import { quoteIdent } from '@partita/contracts';
import pg from 'pg';

/**
 * Built-in roles a reader must not hold: they read files or other sessions' statements, write anywhere, run
 * programs on the database host or signal other backends.
 */
export const FORBIDDEN_MEMBERSHIPS = [
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
  'pg_signal_backend',
  'pg_write_all_data',
  'pg_read_all_data',
  'pg_read_all_settings',
  'pg_read_all_stats',
  'pg_monitor',
] as const;

/**
 * Why the role this connection reads as (its `current_user`) is more than a reader, or an empty list: a superuser,
 * or a role that may bypass row security, create roles or databases, replicate, hold a forbidden built-in role, own or
 * write a table, create in a schema or the database, write a sequence, or use the catalog's schema.
 */
export async function readerRoleProblems(client: pg.ClientBase, options: { catalogSchema?: string } = {}): Promise<string[]> {
  const { rows } = await client.query<{
    role: string;
    attributes: string[];
    memberships: string[];
    writable: string[];
    creatable: string[];
    create_database: boolean;
    sequences: string[];
    catalog: boolean;
  }>(
    `select current_user::text as role,
            array_remove(array[case when r.rolsuper then 'SUPERUSER' end, case when r.rolbypassrls then 'BYPASSRLS' end,
                               case when r.rolcreaterole then 'CREATEROLE' end, case when r.rolcreatedb then 'CREATEDB' end,
                               case when r.rolreplication then 'REPLICATION' end], null) as attributes,
            array(select b.rolname::text from pg_catalog.pg_roles b
                   where b.rolname = any($1::text[]) and pg_catalog.pg_has_role(current_user, b.oid, 'MEMBER')
                   order by 1) as memberships,
            array(select format('%I.%I', n.nspname, c.relname) from pg_catalog.pg_class c
                    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                   where c.relkind in ('r', 'p', 'v', 'm', 'f')
                     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
                     and (pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE')
                          or pg_catalog.has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))
                   order by 1 limit 5) as writable,
            array(select n.nspname::text from pg_catalog.pg_namespace n
                   where pg_catalog.has_schema_privilege(n.oid, 'CREATE') order by 1 limit 5) as creatable,
            pg_catalog.has_database_privilege(current_database(), 'CREATE') as create_database,
            array(select format('%I.%I', n.nspname, c.relname) from pg_catalog.pg_class c
                    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                   where c.relkind = 'S' and (case when c.relkind = 'S' then pg_catalog.has_sequence_privilege(c.oid, 'UPDATE') else false end)
                   order by 1 limit 5) as sequences,
            coalesce(pg_catalog.has_schema_privilege(to_regnamespace($2::text), 'USAGE'), false) as catalog
       from pg_catalog.pg_roles r where r.rolname = current_user`,
    [[...FORBIDDEN_MEMBERSHIPS], options.catalogSchema === undefined ? null : quoteIdent(options.catalogSchema)],
  );
  const row = rows[0];
  if (!row) return ['the role could not be found in pg_roles'];
  const problems: string[] = [];
  if (row.attributes.length > 0) problems.push(`it has ${row.attributes.join(', ')}`);
  if (row.memberships.length > 0) problems.push(`it is a member of ${row.memberships.join(', ')}`);
  if (row.writable.length > 0) problems.push(`it owns or may write tables (${row.writable.join(', ')})`);
  if (row.creatable.length > 0) problems.push(`it may create objects in schemas (${row.creatable.join(', ')})`);
  if (row.create_database) problems.push('it may create schemas in the database');
  if (row.sequences.length > 0) problems.push(`it may advance sequences (${row.sequences.join(', ')})`);
  if (row.catalog) problems.push(`it may use the catalog's schema ${options.catalogSchema ?? ''}`);
  return problems.map((p) => `role ${row.role}: ${p}`);
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates a login role that can only read (when it does not exist yet: concurrent callers are fine) and lets it read
 * every table, present and future, of `schemas`. Run as a role that may create roles and grant on those schemas (the
 * local runner and the tests run it as the database owner; a deployment does the same once, see deploy/README.md).
 */
export async function ensureReaderRole(admin: pg.ClientBase, role: string, schemas: readonly string[]): Promise<void> {
  if (!ROLE_NAME.test(role)) throw new RangeError(`ensureReaderRole: "${role}" is not a plain lower-case role name`);
  await admin.query(
    `do $$ begin
       create role ${role} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
     exception when duplicate_object or unique_violation then null;
     end $$`,
  );
  for (const schema of schemas) {
    const s = quoteIdent(schema);
    await admin.query(`grant usage on schema ${s} to ${role}`);
    await admin.query(`grant select on all tables in schema ${s} to ${role}`);
    await admin.query(`alter default privileges in schema ${s} grant select on tables to ${role}`);
  }
}

/**
 * The source pool of a master or a worker, opened at start-up once the role its connections log in as is found to
 * be a reader (readerRoleProblems). Otherwise the pool is closed again and start-up refused, unless `allowPrivileged`
 * (ALLOW_PRIVILEGED_SOURCE) says to go on, which it then says loudly at every start.
 */
export async function openSourcePool(
  config: pg.PoolConfig,
  options: { catalogSchema: string; allowPrivileged: boolean; log: { warn(obj: object, msg: string): void } },
): Promise<pg.Pool> {
  const pool = new pg.Pool(config);
  try {
    await checkSourceRole(pool, options);
    return pool;
  } catch (err) {
    await pool.end();
    throw err;
  }
}

async function checkSourceRole(
  pool: pg.Pool,
  options: { catalogSchema: string; allowPrivileged: boolean; log: { warn(obj: object, msg: string): void } },
): Promise<void> {
  let problems: string[];
  const client = await pool.connect().catch((err: unknown) => {
    throw new Error(`the source database (SOURCE_DATABASE_URL) cannot be reached to check its role: ${(err as Error).message}`, {
      cause: err,
    });
  });
  try {
    problems = await readerRoleProblems(client, { catalogSchema: options.catalogSchema });
  } finally {
    client.release();
  }
  if (problems.length === 0) return;
  const text = `sources would be read by a role that can do more than read: ${problems.join('; ')}`;
  if (!options.allowPrivileged) {
    throw new Error(
      `${text}. Connect SOURCE_DATABASE_URL as a role that can only read (see deploy/README.md), or set ` +
        'ALLOW_PRIVILEGED_SOURCE=true for a database that holds nothing to protect',
    );
  }
  options.log.warn({ problems }, `ALLOW_PRIVILEGED_SOURCE is on: ${text}; a user's SQL runs with those rights`);
}

/** The role a project's own set-ups (the local runner, the tests, the benchmarks, compose) read sources as. */
export const LOCAL_READER_ROLE = 'partita_reader';

/** A connection string with its user replaced by `role` (no password: local trust authentication). */
export function connectAs(connectionString: string, role: string): string {
  const url = new URL(connectionString);
  url.username = role;
  url.password = '';
  return url.toString();
}
