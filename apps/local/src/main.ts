import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { startAzurite } from '@partita/azurite';
import { LOCAL_READER_ROLE, connectAs, ensureReaderRole } from '@partita/extract';
import { parseLocalArgs } from './args.js';
import { runDemo } from './demo.js';
import { freePort, startNodeProcess, superviseNodeProcess, waitUntilReady, type Child } from '@partita/processes';

/**
 * The embedded default: Azurite on a free loopback port, the master and N workers as child processes, against the
 * local Redis and PostgreSQL. `--demo` runs the demo job on it and stops; otherwise it runs until Ctrl-C.
 */
const args = parseLocalArgs(process.argv.slice(2));
const require = createRequire(import.meta.url);
const script = (pkg: string) => join(require.resolve(`${pkg}/package.json`), '..', 'dist', 'main.js');
const stateDir = join(process.cwd(), '.partita');
const logDir = join(stateDir, 'logs');

const azurite = await startAzurite({ location: join(stateDir, 'azurite') });
const port = await freePort(args.port ?? 8080);
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Extracts and travel tables are read as a role that can only read: here, the tables of schema `public`.
const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
await ensureReaderRole(admin, LOCAL_READER_ROLE, ['public']).finally(() => admin.end());
const common = {
  AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
  DATABASE_URL: databaseUrl,
  SOURCE_DATABASE_URL: process.env['SOURCE_DATABASE_URL'] ?? connectAs(databaseUrl, LOCAL_READER_ROLE),
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  LOG_PRETTY: 'false',
};
// A fresh admin token each run: the API asks for it as on a real deployment (the job page's form, the CLI's PARTITA_TOKEN).
const token = randomBytes(24).toString('base64url');
const children: Child[] = [];
const master = startNodeProcess(
  'master',
  script('@partita/master'),
  { ...common, PORT: String(port), HOST: '127.0.0.1', RECONCILE_INTERVAL_MS: '1000', API_AUTH: 'on', API_TOKENS: `local:admin:${token}` },
  logDir,
);
children.push(master);
for (let i = 0; i < args.workers; i++) {
  children.push(
    superviseNodeProcess(
      `worker-${i + 1}`,
      script('@partita/worker'),
      // Metrics and health on a free port of the loopback only: nothing outside this machine reaches them.
      { ...common, WORKER_ID: `worker-${i + 1}`, WORKER_HTTP_PORT: '0', WORKER_HTTP_HOST: '127.0.0.1' },
      logDir,
      // A worker that dies is started again, as Kubernetes would; its partitions meanwhile go to the others.
      ({ name, code, signal, delayMs, restarts }) =>
        console.log(`${name} exited (${signal ?? `code ${code}`}); restarting it in ${delayMs / 1000} s (restart ${restarts})`),
    ),
  );
}

let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= (async () => {
    await Promise.all(children.map((c) => c.stop()));
    await azurite.stop();
  })());
process.once('SIGINT', () => void stop().then(() => process.exit(130)));
process.once('SIGTERM', () => void stop().then(() => process.exit(143)));

const baseUrl = `http://127.0.0.1:${port}`;
try {
  await waitUntilReady(`${baseUrl}/readyz`, master);
  console.log(`master  ${baseUrl}  (job page ${baseUrl}/, API docs /docs, queue board /admin/queues, metrics /metrics)`);
  console.log(`workers ${args.workers}   azurite ${azurite.blobEndpoint}   logs ${logDir}`);
  console.log(`token   ${token}  (admin, this run only)`);
  console.log('        the job page asks for it (paste it in its token form; it also opens the queue board);');
  console.log(`        the CLI takes it from PARTITA_TOKEN: PARTITA_TOKEN=${token} npx partita list`);
  if (args.demo) {
    const job = await runDemo(baseUrl, token, args.groups);
    await stop();
    process.exit(job.status === 'succeeded' ? 0 : 1);
  }
  console.log('running; Ctrl-C stops everything');
} catch (err) {
  console.error((err as Error).message);
  await stop();
  process.exit(1);
}
