import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { FINALIZE_QUEUE } from '@partita/contracts';
import { generateGroup } from '@partita/travel';
import { DATABASE_URL, SOURCE_DATABASE_URL } from '../support/env.js';
import { ApiClient, type ApiAnswer } from '../support/faults-api.js';
import { blobExhibits, catalogExhibits, findSecrets, redisExhibits, type Exhibit, type Secret } from '../support/faults-secrets.js';
import { loadTravelTables } from '../support/faults-source.js';
import { useSourceSchema } from '../support/source-schema.js';
import { useStack, type TestStack } from '../support/stack.js';
import { BUILTIN_QUEUES } from '../support/kinds.js';

const withPassword = (url: string, password: string): string => {
  const u = new URL(url);
  u.password = password;
  return u.toString();
};

// Trust authentication ignores the passwords; they only have to stay secret.
const catalogPassword = `pw-${randomBytes(12).toString('hex')}`;
const sourcePassword = `pw-${randomBytes(12).toString('hex')}`;
const token = randomBytes(24).toString('base64url');

/** The master's and the in-process workers' JSON log lines (the stack logs them at level info). */
const logLines: string[] = [];
const logs = new PassThrough();
let partial = '';
logs.on('data', (chunk: Buffer) => {
  const parts = (partial + chunk.toString('utf8')).split('\n');
  partial = parts.pop() ?? '';
  logLines.push(...parts.filter(Boolean));
});

function secretsOf(stack: TestStack): Secret[] {
  const accountKey = /AccountKey=([^;]+)/.exec(stack.env['AZURE_STORAGE_CONNECTION_STRING'] ?? '')?.[1];
  if (!accountKey) throw new Error('the storage connection string has no AccountKey');
  return [
    { name: 'catalog password', value: catalogPassword },
    { name: 'source password', value: sourcePassword },
    { name: 'API token', value: token },
    { name: 'storage account key', value: accountKey },
  ];
}

async function everything(stack: TestStack, answers: readonly Exhibit[]): Promise<Exhibit[]> {
  await new Promise((r) => setTimeout(r, 200)); // lets the last log lines through
  return [
    ...logLines.map((text, i) => ({ source: 'log', where: `line ${i + 1}`, text })),
    ...(await redisExhibits(stack.env['REDIS_URL']!, stack.prefix)),
    ...(await blobExhibits(stack.store, stack.container)),
    ...(await catalogExhibits(stack.master.catalog.pool, stack.schema)),
    ...answers,
  ];
}

describe('no secret in queue payloads, logs, blobs, the catalog or API answers', () => {
  const source = useSourceSchema();
  const ctx = useStack({
    workers: 2,
    workerMode: 'in-process',
    logs,
    env: {
      DATABASE_URL: withPassword(DATABASE_URL, catalogPassword),
      SOURCE_DATABASE_URL: withPassword(SOURCE_DATABASE_URL, sourcePassword),
      API_AUTH: 'on',
      API_TOKENS: `ci:admin:${token}`,
    },
  });

  it('the API wants the token: none or a wrong one is refused (401), the configured one lets in', async () => {
    const { stack } = ctx;
    expect((await new ApiClient(stack.baseUrl).request('GET', '/jobs')).status).toBe(401);
    expect((await new ApiClient(stack.baseUrl, `x${token}`).request('GET', '/jobs')).status).toBe(401);
    expect((await new ApiClient(stack.baseUrl, token).request('GET', '/jobs')).status).toBe(200);
  });

  it('after travel, extract, failed, cancelled and refused jobs, no secret is anywhere, in any encoding', async () => {
    const { stack } = ctx;
    const secrets = secretsOf(stack);
    const api = new ApiClient(stack.baseUrl, token);
    const answers: Exhibit[] = [];
    const record = (label: string, a: ApiAnswer): ApiAnswer => {
      answers.push({ source: 'api', where: label, text: `${a.status}\n${JSON.stringify(a.headers)}\n${a.text}` });
      return a;
    };
    const call = async (method: string, path: string, body?: unknown) => record(`${method} ${path}`, await api.request(method, path, body));
    const submit = async (spec: unknown): Promise<string> => {
      const a = await call('POST', '/jobs', spec);
      expect(a.status, a.text).toBe(202);
      return (a.json as { id: string }).id;
    };
    const s = source.schema;
    const jobs: string[] = [];

    // A travel job and an extract, both registered as datasets.
    jobs.push(
      await submit({
        kind: 'travel-plan',
        input: { generate: { groups: 30, seed: 4 } },
        partitions: 3,
        output: { container: stack.container, prefix: 'travel' },
        dataset: { name: 'secrets-travel', description: 'plans', tags: { team: 'ops' } },
      }),
    );
    await source.sql(`create table ${s}.orders (id int primary key, amount numeric(12,2) not null, note text, placed_at timestamptz)`);
    await source.sql(
      `insert into ${s}.orders select g, g / 100.0, md5(g::text), timestamptz '2024-01-01' + g * interval '1 hour' from generate_series(1, 500) g`,
    );
    jobs.push(
      await submit({
        kind: 'sql-extract',
        source: { table: `${s}.orders`, where: 'amount > 0' },
        chunks: { count: 2 },
        output: { container: stack.container, prefix: 'extract' },
        dataset: { name: 'secrets-orders', description: 'orders', tags: { owner: 'finance' } },
      }),
    );
    for (const id of jobs) expect((await api.waitForJob(id)).status).toBe('succeeded');

    // A job that fails on a worker: its flights table is dropped between planning and running (not its travellers:
    // the job's snapshot keeps a share lock on what planning read, until the job ends).
    const groups = Array.from({ length: 6 }, (_, i) => generateGroup(8, i));
    await loadTravelTables(source, groups, 8);
    await stack.pauseWorkers();
    const failing = await submit({
      kind: 'travel-plan',
      input: { postgres: { travellers: `${s}.travellers`, flights: `${s}.flights` } },
      partitions: 2,
      retry: { attempts: 2, backoffMs: 10 },
      output: { container: stack.container, prefix: 'failing' },
    });
    await source.sql(`drop table ${s}.flights`);
    // A job cancelled before it ran.
    const cancelled = await submit({
      kind: 'travel-plan',
      input: { generate: { groups: 20, seed: 5 } },
      partitions: 4,
      output: { container: stack.container, prefix: 'cancelled' },
    });
    expect((await call('DELETE', `/jobs/${cancelled}`)).status).toBe(200);
    await stack.resumeWorkers();
    const failed = await api.waitForJob(failing);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/flights/);
    expect((await api.getJob(cancelled)).status).toBe('cancelled');
    jobs.push(failing, cancelled);

    // Refused: a missing table, an invalid spec, a malformed id, no token, a wrong token.
    const missing = await call('POST', '/jobs', {
      kind: 'travel-plan',
      input: { postgres: { travellers: `${s}.nowhere`, flights: `${s}.flights` } },
      output: { container: stack.container },
    });
    expect(missing.status).toBe(400);
    expect((await call('POST', '/jobs', { kind: 'travel-plan', input: { generate: { groups: -1 } }, partitions: 0 })).status).toBe(400);
    expect((await call('GET', '/jobs/not-a-job')).status).toBe(400);
    record('GET /jobs without a token', await new ApiClient(stack.baseUrl).request('GET', '/jobs'));
    record('GET /jobs with a wrong token', await new ApiClient(stack.baseUrl, `x${token}`).request('GET', '/jobs'));

    // What the API shows about all of it.
    await call('GET', '/jobs?limit=500');
    for (const id of jobs) await call('GET', `/jobs/${id}`);
    await call('GET', '/datasets');
    await call('GET', '/datasets/secrets-travel');
    await call('GET', '/datasets/secrets-orders');
    await call('GET', '/metrics');
    await call('GET', '/healthz');
    await call('GET', '/readyz');
    await call('GET', '/docs/json');
    for (const queue of [...BUILTIN_QUEUES, FINALIZE_QUEUE]) {
      await call('GET', `/admin/queues/api/queues?activeQueue=${queue}&status=latest&page=1&jobsPerPage=1000`);
    }

    const exhibits = await everything(stack, answers);
    const bySource = (src: string) => exhibits.filter((e) => e.source === src).length;
    // Each source was really read: the scan below is not vacuous.
    expect(bySource('log')).toBeGreaterThan(10);
    expect(bySource('redis')).toBeGreaterThan(10);
    expect(exhibits.filter((e) => e.source === 'blob' && e.where.endsWith('_manifest.json'))).toHaveLength(2);
    expect(exhibits.filter((e) => e.source === 'blob' && e.where.endsWith('.parquet')).length).toBeGreaterThanOrEqual(5);
    expect(exhibits.filter((e) => e.source === 'catalog' && e.where.startsWith('jobs[')).length).toBe(jobs.length);
    expect(exhibits.some((e) => e.source === 'redis' && e.text.includes(`"jobId":"${jobs[0]}"`))).toBe(true);
    expect(findSecrets(exhibits, secrets)).toEqual([]);

    // The scan finds a secret planted once in each place, in an encoded form.
    const accountKey = secrets.find((x) => x.name === 'storage account key')!.value;
    const plants = {
      log: Buffer.from(`x${catalogPassword}`).toString('base64'),
      redis: encodeURIComponent(stack.env['AZURE_STORAGE_CONNECTION_STRING']!),
      blob: `{"authorization":"Bearer ${token}"}`,
      catalog: Buffer.from(`ab${sourcePassword}`).toString('base64url'),
    };
    expect(plants.redis).not.toContain(accountKey); // the key's / + = are escaped
    stack.master.app.log.warn({ planted: plants.log }, 'planted');
    const redisKey = `${stack.prefix}:planted`;
    const redis = new Redis(stack.env['REDIS_URL']!);
    try {
      await redis.hset(redisKey, 'data', plants.redis);
      await stack.store.put(stack.container, 'planted/_manifest.json', Buffer.from(plants.blob));
      await stack.master.catalog.pool.query(`create table "${stack.schema}".planted as select $1::text as v`, [plants.catalog]);
      const planted = findSecrets(await everything(stack, []), secrets);
      expect(planted).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ source: 'log', secret: 'catalog password', form: 'base64@1' }),
          expect.objectContaining({ source: 'redis', where: `hash ${redisKey}`, secret: 'storage account key', form: 'url-encoded' }),
          expect.objectContaining({ source: 'blob', where: 'planted/_manifest.json', secret: 'API token', form: 'raw' }),
          expect.objectContaining({
            source: 'catalog',
            where: 'planted[0]',
            secret: 'source password',
            form: expect.stringMatching(/^base64(url)?@2$/),
          }),
        ]),
      );
      expect(new Set(planted.map((f) => f.source))).toEqual(new Set(['log', 'redis', 'blob', 'catalog']));
    } finally {
      await redis.del(redisKey);
      redis.disconnect();
      await stack.store.delete(stack.container, 'planted/_manifest.json');
      await stack.master.catalog.pool.query(`drop table if exists "${stack.schema}".planted`);
    }
  }, 120_000);
});
