// The images and the compose stack, for real: both targets built by the real Dockerfile, `docker-compose.yml` up
// (on the offline bases), jobs through the published API, workers scaled, killed and stopped. Run by
// `npm run test:containers` (scripts/test-containers.sh), never by `npm test`.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString } from '@partita/azurite';
import type { JobView } from '@partita/contracts';
import { generateGroup } from '@partita/travel';
import { readJobWithDuckDb } from '../support/duckdb.js';
import { forbiddenInImage } from './production-deps.js';
import { REPO, compose, containersOf, docker, http, inspect, run, until } from './engine.js';

const API = 'http://127.0.0.1:8080';
const TOKEN = randomBytes(24).toString('hex');
// Every compose command reads it (docker-compose.yml refuses to start without the master's tokens).
process.env['PARTITA_API_TOKENS'] = `containers:admin:${TOKEN}`;
/** From `docker-compose.yml`: what a worker gets to drain after SIGTERM. */
const WORKER_STOP_GRACE_MS = 35_000;

const figures: Record<string, number | string> = {};
const blobs = BlobServiceClient.fromConnectionString(azuriteConnectionString('http://127.0.0.1:10000/devstoreaccount1'));

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await http(method, `${API}${path}`, {
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: JSON.parse(res.text) as T };
}

async function submit(spec: unknown): Promise<string> {
  const res = await api<{ id: string }>('POST', '/jobs', spec);
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  return res.json.id;
}

async function waitForJob(id: string, timeoutMs = 180_000): Promise<JobView> {
  return until(
    `job ${id} ends`,
    async () => {
      const { json } = await api<JobView>('GET', `/jobs/${id}?wait=20`);
      return ['succeeded', 'failed', 'cancelled'].includes(json.status) ? json : undefined;
    },
    timeoutMs,
    0,
  );
}

/** Every row of a finished job's files, downloaded from the Azurite container and read by DuckDB. */
async function readRows(job: JobView, orderBy: string): Promise<Record<string, unknown>[]> {
  const get = (container: string, path: string) => blobs.getContainerClient(container).getBlobClient(path).downloadToBuffer();
  return (await readJobWithDuckDb(job, get, orderBy)).rows;
}

/** A travel job whose partitions each run for about a second on one worker: long enough to kill a worker mid-job. */
const travelSpec = (prefix: string, groups = 240) => ({
  kind: 'travel-plan',
  input: { generate: { groups, seed: 11 } },
  optimizer: { algorithm: 'genetic', restarts: 60 },
  partitions: 12,
  output: { container: 'containers', prefix },
});

/** The id of a worker running one of the job's partitions, once one runs. */
const busyWorker = (id: string): Promise<string> =>
  until(
    'a partition running',
    async () => {
      const { json } = await api<JobView>('GET', `/jobs/${id}`);
      return json.partitions.find((p) => p.status === 'running' && p.workerId)?.workerId ?? undefined;
    },
    60_000,
    200,
  );

/** The worker container whose WORKER_ID (`<hostname>-<pid>`) is `workerId`. */
async function containerOfWorker(workerId: string): Promise<string> {
  for (const id of await containersOf('worker')) {
    if (workerId.startsWith(`${(await inspect(id)).hostname}-`)) return id;
  }
  throw new Error(`no worker container runs ${workerId}`);
}

describe('the compose stack in containers', () => {
  let clean: Record<string, unknown>[] = [];

  beforeAll(async () => {
    await compose(['down', '-v', '--remove-orphans'], { timeoutMs: 300_000 }); // what an interrupted run left
    const t0 = Date.now();
    await compose(['build'], { timeoutMs: 1_800_000 });
    figures['build (s)'] = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    await compose(['up', '-d'], { timeoutMs: 600_000 });
    await until(
      'the master answers /readyz',
      async () => ((await http('GET', `${API}/readyz`, { timeoutMs: 5000 })).status === 200 ? true : undefined),
      180_000,
    );
    figures['up → ready (s)'] = (Date.now() - t1) / 1000;
    for (const service of ['master', 'worker']) {
      const [id] = await containersOf(service);
      const { image } = await inspect(id!);
      figures[`${service} image (MB)`] = Number(await docker(['image', 'inspect', '-f', '{{.Size}}', image])) / 2 ** 20;
    }
  }, 2_400_000);

  afterAll(async () => {
    console.log(`container figures: ${JSON.stringify(figures)}`);
    await mkdir(join(REPO, 'test-artifacts'), { recursive: true });
    await writeFile(join(REPO, 'test-artifacts', 'containers.json'), `${JSON.stringify(figures, null, 2)}\n`);
    if (process.env['PARTITA_CT_KEEP'] !== '1') await compose(['down', '-v', '--remove-orphans'], { timeoutMs: 300_000 });
  }, 600_000);

  it('starts healthy: the master and the worker pass their images’ HEALTHCHECKs and run as uid 1000', async () => {
    for (const service of ['master', 'worker']) {
      const [id] = await containersOf(service);
      await until(`${service} healthy`, async () => ((await inspect(id!)).health === 'healthy' ? true : undefined), 120_000, 1000);
      expect(await docker(['exec', id!, 'id', '-u'])).toBe('1000');
    }
  });

  it('refuses a request without the token, and serves the page with its compiled modules', async () => {
    expect((await http('GET', `${API}/jobs`)).status).toBe(401);
    const page = await http('GET', `${API}/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script type="module" src="/ui/app.js">');
    // The page's TypeScript, built into the image, and the formatting module it imports.
    const app = await http('GET', `${API}/ui/app.js`);
    expect(app.status).toBe(200);
    expect(app.text).toMatch(/^import .* from '\.\//m);
    const format = await http('GET', `${API}/ui/format/index.js`);
    expect(format.status).toBe(200);
    expect(format.text).toContain('export');
  });

  it('runs a travel job; its rows, read from the Azurite container by DuckDB, are every generated traveller', async () => {
    const job = await waitForJob(await submit({ ...travelSpec('first', 60), optimizer: { algorithm: 'random' }, partitions: 4 }));
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const rows = await readRows(job, 'group_id, person');
    const expected = Array.from({ length: 60 }, (_, i) => generateGroup(11, i))
      .flatMap((g) => g.travellers.map((t) => `${g.id}/${t.name}`))
      .sort();
    expect(rows.map((r) => `${String(r['group_id'])}/${String(r['person'])}`).sort()).toEqual(expected);
  });

  it('extracts a table of the compose PostgreSQL, read as the read-only role, into Parquet', async () => {
    const [pg] = await containersOf('postgres');
    // As a user would, unqualified: the database user's tables land in schema public, which the reader may read.
    const sql = `drop table if exists ct_orders; create table ct_orders as
      select g as id, (g % 97)::int as customer, round((g * 1.37)::numeric, 2) as amount, 'note ' || g as note
      from generate_series(1, 50000) g`;
    await docker(['exec', pg!, 'psql', '-v', 'ON_ERROR_STOP=1', '-U', 'partita', '-d', 'partita', '-c', sql]);
    const job = await waitForJob(
      await submit({
        kind: 'sql-extract',
        source: { table: 'ct_orders' },
        chunks: { count: 4 },
        output: { container: 'containers', prefix: 'x' },
        dataset: { name: 'ct-orders' },
      }),
    );
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const rows = await readRows(job, 'id');
    expect(rows).toHaveLength(50_000);
    expect(rows[49_999]).toMatchObject({ id: 50_000, customer: 50_000 % 97, note: 'note 50000' });
    expect(rows.reduce((s, r) => s + Number(r['id']), 0)).toBe((50_000 * 50_001) / 2);
  });

  it('scales to three workers: partitions spread over all three, and Prometheus scrapes each', async () => {
    await compose(['up', '-d', '--no-recreate', '--scale', 'worker=3'], { timeoutMs: 300_000 });
    const workers = await containersOf('worker');
    expect(workers).toHaveLength(3);
    for (const id of workers)
      await until('worker healthy', async () => ((await inspect(id)).health === 'healthy' ? true : undefined), 120_000, 1000);

    const job = await waitForJob(await submit(travelSpec('clean')));
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(new Set(job.partitions.map((p) => p.workerId)).size).toBe(3);
    clean = await readRows(job, 'group_id, person');
    figures['12 partitions on 3 workers, wall (s)'] = job.timings.wallMs / 1000;

    // Prometheus finds replicas through Docker's DNS every 15 s and scrapes every 15 s.
    const up = await until(
      'Prometheus scrapes three workers',
      async () => {
        const res = JSON.parse((await http('GET', 'http://127.0.0.1:9090/api/v1/targets?state=active')).text) as {
          data: { activeTargets: Array<{ labels: Record<string, string>; health: string }> };
        };
        const healthy = res.data.activeTargets.filter((t) => t.labels['job'] === 'partita-worker' && t.health === 'up');
        return healthy.length === 3 ? healthy : undefined;
      },
      90_000,
      2000,
    );
    expect(up).toHaveLength(3);
  });

  it('finishes a job whose busy worker is killed, with the rows of a clean run', async () => {
    expect(clean.length).toBeGreaterThan(0);
    const id = await submit(travelSpec('killed'));
    const victim = await busyWorker(id);
    await docker(['kill', await containerOfWorker(victim)]);
    const job = await waitForJob(id, 300_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.partitions.some((p) => p.attempts > 1)).toBe(true);
    expect(await readRows(job, 'group_id, person')).toEqual(clean);
  });

  it('drains a worker that is stopped mid-partition: its partition ends on its first attempt, within the grace period', async () => {
    await compose(['up', '-d', '--no-recreate', '--scale', 'worker=3'], { timeoutMs: 300_000 });
    const id = await submit(travelSpec('drained'));
    const busy = await busyWorker(id);
    const container = await containerOfWorker(busy);
    const t0 = Date.now();
    await docker(['stop', '-t', String(WORKER_STOP_GRACE_MS / 1000), container], WORKER_STOP_GRACE_MS + 30_000);
    figures['worker stop, mid-partition (s)'] = (Date.now() - t0) / 1000;
    const stopped = await inspect(container);
    expect(stopped.exitCode).toBe(0); // ended by itself, not killed at the end of the grace period
    expect(Date.now() - t0).toBeLessThan(WORKER_STOP_GRACE_MS);
    const job = await waitForJob(id, 300_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.partitions.filter((p) => p.workerId === busy).every((p) => p.attempts === 1)).toBe(true);
    expect(await readRows(job, 'group_id, person')).toEqual(clean);
  });

  it('holds production dependencies only: no build or test tool, native modules that load', async () => {
    for (const service of ['master', 'worker']) {
      const [id] = await containersOf(service);
      const listing = await docker([
        'exec',
        id!,
        'node',
        '-e',
        `const fs = require('fs'); const names = [];
         for (const d of fs.readdirSync('node_modules')) {
           if (d.startsWith('@')) for (const s of fs.readdirSync('node_modules/' + d)) names.push(d + '/' + s); else names.push(d);
         }
         console.log(JSON.stringify(names));`,
      ]);
      const installed = new Set(JSON.parse(listing) as string[]);
      expect(installed.has('bullmq')).toBe(true);
      const image = JSON.parse(await docker(['exec', id!, 'cat', 'package.json'])) as { workspaces: string[] };
      const forbidden = forbiddenInImage(image.workspaces);
      expect(forbidden).toEqual(expect.arrayContaining(['typescript', 'vitest', '@duckdb/node-api', 'azurite', '@partita/bench']));
      expect(forbidden.filter((name) => installed.has(name))).toEqual([]);
      const native = `const s = require('snappy'); const b = Buffer.from('partita '.repeat(64));
        if (!s.uncompressSync(s.compressSync(b)).equals(b)) process.exit(1);
        import('msgpackr').then((m) => process.exit(m.isNativeAccelerationEnabled ? 0 : 2));`;
      await docker(['exec', id!, 'node', '-e', native]);
    }
  });

  it('runs the master and a worker on a read-only root file system (a writable /tmp), as the Kubernetes manifests ask', async () => {
    for (const service of ['master', 'worker']) {
      const [id] = await containersOf(service);
      const { image, networks, env } = await inspect(id!);
      const port = service === 'master' ? 8080 : 9464;
      const ro = await docker([
        'run',
        '-d',
        '--read-only',
        '--tmpfs',
        '/tmp',
        '--network',
        networks[0]!,
        ...env.flatMap((e) => ['-e', e]),
        image,
      ]);
      try {
        const probe = `fetch('http://127.0.0.1:${port}/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
        await until(
          `${service} ready on a read-only root`,
          async () => {
            await docker(['exec', ro, 'node', '-e', probe]);
            return true;
          },
          90_000,
          1000,
        );
        await docker(['stop', '-t', '30', ro], 60_000);
        expect((await inspect(ro)).exitCode).toBe(0);
      } finally {
        await run('docker', ['rm', '-f', ro]).catch(() => undefined);
      }
    }
  });

  it('stops the master on SIGTERM with exit code 0', async () => {
    const [id] = await containersOf('master');
    await compose(['stop', 'master'], { timeoutMs: 120_000 });
    expect((await inspect(id!)).exitCode).toBe(0);
  });
});
