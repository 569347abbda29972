import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionQueueName, type KindList } from '@partita/contracts';
import { KindLoadError, loadKinds, parseKindModules } from '@partita/kinds';
import { enqueuePartitions } from '@partita/queue';
import { runSequentially } from '@partita/sdk';
import monteCarlo from '../../examples/monte-carlo/src/index.js';
import { REDIS_URL } from '../support/env.js';
import { readJobWithDuckDb } from '../support/duckdb.js';
import { startStack, type TestStack } from '../support/stack.js';

const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/kinds/${path}`, import.meta.url));
/** The example kind as a user ships it: built JavaScript in a folder of its own, outside apps/ and packages/. */
const EXAMPLE = fileURLToPath(new URL('../../examples/monte-carlo/dist/index.js', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../apps/worker/dist/main.js', import.meta.url));
/** Registered programs: what the `program` kind offers, listed by GET /kinds from the master's registry. */
const PROGRAMS = fileURLToPath(new URL('../fixtures/programs/programs.yaml', import.meta.url));

const SCENARIOS = { drifts: [0, 0.06], volatilities: [0.1, 0.3, 0.6], horizons: [20, 120], paths: 20_000, seed: 11 };

describe('a kind written outside Partita, loaded with PARTITA_KINDS, run over REST by 2 worker processes', () => {
  let stack: TestStack;
  let passed = true;

  beforeAll(async () => {
    // The master runs in this process and reads its PARTITA_PROGRAMS; the worker processes get it from the stack.
    process.env['PARTITA_PROGRAMS'] = PROGRAMS;
    stack = await startStack({ workers: 2, env: { PARTITA_KINDS: EXAMPLE, PARTITA_PROGRAMS: PROGRAMS } });
  });
  afterAll(async () => {
    delete process.env['PARTITA_PROGRAMS'];
    await stack?.close(passed);
  });
  const track = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      passed = false;
      throw err;
    });

  it('runs the example; its Parquet, read by DuckDB, equals the same kind run in one process', () =>
    track(
      (async () => {
        const spec = { kind: 'monte-carlo-var', ...SCENARIOS, partitions: 6 };
        const job = await stack.waitForJob(await stack.submit({ ...spec, output: { container: stack.container, prefix: 'mc' } }));
        expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
        expect(job).toMatchObject({ kind: 'monte-carlo-var', kindVersion: '1.0.0', warnings: [] });
        expect(job.progress).toMatchObject({ itemsDone: 12, itemsTotal: 12, itemNoun: 'scenarios' });
        expect(job.partitions).toHaveLength(6);
        expect(new Set(job.partitions.map((p) => p.workerId))).toEqual(new Set(['w1', 'w2']));

        const { manifest, rows } = await readJobWithDuckDb(job, (c, p) => stack.store.get(c, p), 'drift, volatility, horizon');
        expect(manifest.schema.map((c) => `${c.name}:${c.type}`)).toEqual([
          'drift:DOUBLE',
          'volatility:DOUBLE',
          'horizon:INT32',
          'paths:INT32',
          'mean:DOUBLE',
          'p05:DOUBLE',
          'p50:DOUBLE',
          'var95:DOUBLE',
          'prob_loss:DOUBLE',
        ]);
        const order = (r: Record<string, unknown>) => [r['drift'], r['volatility'], r['horizon']] as number[];
        const expected = (await runSequentially(monteCarlo, spec)).sort((a, b) => {
          const [x, y] = [order(a), order(b)];
          return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
        });
        expect(rows).toEqual(expected);
        // The numbers are the simulation's, not placeholders: risk grows with volatility at a fixed drift and horizon.
        const at = (v: number) => rows.find((r) => r['drift'] === 0 && r['horizon'] === 120 && r['volatility'] === v)!;
        expect(at(0.6)['var95']).toBeGreaterThan(at(0.1)['var95'] as number);
      })(),
    ));

  it('GET /kinds lists the built-ins and the example with its spec schema, output, version and live workers', () =>
    track(
      (async () => {
        const res = await stack.master.app.inject({ method: 'GET', url: '/kinds' });
        expect(res.statusCode).toBe(200);
        const { items } = res.json<KindList>();
        expect(items.map((k) => k.name)).toEqual(['travel-plan', 'sql-extract', 'noop', 'program', 'monte-carlo-var']);
        const mc = items.find((k) => k.name === 'monte-carlo-var')!;
        expect(mc).toMatchObject({ version: '1.0.0', itemNoun: 'scenarios', queue: 'partitions-monte-carlo-var-v1', cpu: true });
        expect(mc.input).toEqual({ type: 'grid', fixed: false });
        expect(mc.columns?.map((c) => c.name)).toContain('var95');
        expect(Object.keys((mc.spec as { properties: object }).properties)).toEqual(
          expect.arrayContaining(['kind', 'drifts', 'volatilities', 'horizons', 'partitions', 'output', 'retry']),
        );
        expect(mc.workers.map((w) => w.id).sort()).toEqual(['w1', 'w2']);
        const extract = items.find((k) => k.name === 'sql-extract')!;
        expect(extract).toMatchObject({ columns: null, input: { type: 'chunks', fixed: true }, cpu: false });
        // What a kind offers beyond its spec, through its own hook: the program kind's registered programs, in the
        // programs file's order, each with what a job needs (params schema, columns) and nothing the operator keeps.
        expect(mc.offerings).toBeUndefined();
        const program = items.find((k) => k.name === 'program')!;
        expect(program.offerings).toMatchObject({ noun: 'programs', field: 'program' });
        const registered = [...readFileSync(PROGRAMS, 'utf8').matchAll(/^ {2}- name: (\S+)$/gm)].map((m) => m[1]);
        expect(program.offerings!.items.map((p) => p.name)).toEqual(registered);
        expect(program.offerings!.items.find((p) => p.name === 'square')).toEqual({
          name: 'square',
          facts: [
            { label: 'runs', value: 'Python · python3 square.py' },
            { label: 'input', value: 'JSON lines' },
            { label: 'timeout', value: '3600 s per partition' },
            { label: 'output limit', value: '1 GiB per partition' },
            { label: 'environment', value: 'PATH' },
          ],
          params: {
            type: 'object',
            properties: { scale: { type: 'integer', minimum: 1 } },
            required: ['scale'],
            additionalProperties: false,
          },
          columns: [
            { name: 'x', type: 'INT32', nullable: false },
            { name: 'y', type: 'INT64', nullable: false },
            { name: 'attempt', type: 'INT32', nullable: false },
            { name: 'at', type: 'TIMESTAMP_MICROS', nullable: false },
          ],
        });
        const parquetWrong = program.offerings!.items.find((p) => p.name === 'parquet-wrong')!;
        expect(parquetWrong.facts).toContainEqual({ label: 'runs', value: 'JavaScript · node parquet_echo.mjs (+1 argument)' });
        expect(parquetWrong.facts).toContainEqual({ label: 'input', value: 'Parquet' });
        // No folder of the programs file, no argument's text, no environment value.
        expect(res.body).not.toContain('/usr/bin/python3');
        expect(res.body).not.toContain('--wrong');
        expect(res.body).not.toContain(process.env['PATH']!);
        // The OpenAPI document is built from the same registry.
        const docs = await stack.master.app.inject({ method: 'GET', url: '/docs/json' });
        expect(docs.body).toContain('monte-carlo-var');
      })(),
    ));

  it('an unknown kind is a 400 naming the field and the kinds this master knows; nothing is recorded', () =>
    track(
      (async () => {
        const before = (await stack.master.app.inject({ method: 'GET', url: '/jobs?limit=500' })).json<{ items: unknown[] }>();
        const res = await stack.master.app.inject({ method: 'POST', url: '/jobs', payload: { kind: 'churn-score', customers: 10 } });
        expect(res.statusCode).toBe(400);
        const body = res.json<{ message: string; issues: { path: string; message: string }[] }>();
        expect(body.issues).toEqual([
          {
            path: 'kind',
            message: 'unknown kind "churn-score": this master knows travel-plan, sql-extract, noop, program, monte-carlo-var',
          },
        ]);
        const bad = await stack.master.app.inject({ method: 'POST', url: '/jobs', payload: { kind: 'monte-carlo-var', drifts: [] } });
        expect(bad.statusCode).toBe(400);
        expect(bad.json<{ issues: { path: string }[] }>().issues.map((i) => i.path)).toEqual(['drifts', 'volatilities', 'horizons']);
        const after = (await stack.master.app.inject({ method: 'GET', url: '/jobs?limit=500' })).json<{ items: unknown[] }>();
        expect(after.items).toHaveLength(before.items.length);
      })(),
    ));

  it('a payload whose spec fails the kind’s schema on the worker fails at once, naming the field', () =>
    track(
      (async () => {
        // As if recorded by a master of another version: the spec is checked again where it runs.
        const id = crypto.randomUUID();
        const queue = partitionQueueName('monte-carlo-var', 1);
        const spec = { kind: 'monte-carlo-var', ...SCENARIOS, horizons: [0], retry: { attempts: 3, backoffMs: 10 } };
        const payload = { kind: 'monte-carlo-var', jobId: id, index: 0, units: { ranges: [[0, 0]] } };
        await stack.master.catalog.jobs.create({
          id,
          kind: 'monte-carlo-var',
          queue,
          spec,
          output: { container: stack.container, prefix: 'bad' },
          itemsTotal: 1,
          partitions: [{ index: 0, payload, items: 1, estimatedCost: 1 }],
        });
        await stack.master.catalog.jobs.markEnqueued(id);
        const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
        const q = new Queue(queue, { connection, prefix: stack.prefix });
        await enqueuePartitions(q, [payload], { attempts: 3, backoffMs: 10 });
        await q.close();
        connection.disconnect();
        const job = await stack.waitForJob(id);
        expect(job.status).toBe('failed');
        expect(job.partitions[0]!.attempts).toBe(1);
        expect(job.partitions[0]!.error).toMatchObject({ retryable: false });
        expect(job.partitions[0]!.error!.message).toMatch(/does not fit kind monte-carlo-var 1\.0\.0: horizons\[0\]: /);
      })(),
    ));
});

describe('versions: a kind no worker serves waits with a warning; two majors run side by side, each on its own code', () => {
  let stack: TestStack;
  let passed = true;
  const track = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      passed = false;
      throw err;
    });

  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { PARTITA_KINDS: fixture('echo-v1/index.mjs') } });
  });
  afterAll(async () => stack?.close(passed));

  it('accepts a job of a kind no live worker serves, warns, and runs it once a worker with the kind starts', () =>
    track(
      (async () => {
        // A worker without the kind: it serves the built-ins only.
        await stack.startWorkerProcess('builtins-only', { PARTITA_KINDS: '' });
        await stack.waitForWorkers(1);
        const spec = { kind: 'echo', count: 30, label: 'old', partitions: 3 };
        const v1 = await stack.submit({ ...spec, output: { container: stack.container, prefix: 'v1' } });
        const waiting = await stack.getJob(v1);
        expect(waiting.kindVersion).toBe('1.4.0');
        expect(waiting.warnings).toEqual([
          'no live worker serves kind echo 1.x yet: its partitions wait on queue partitions-echo-v1 until a worker with this kind starts',
        ]);

        // The master moves to the kind's next major: new jobs go to its queue, the old job stays on the old one.
        stack.env['PARTITA_KINDS'] = fixture('echo-v2/index.mjs');
        await stack.restartMaster();
        const v2 = await stack.submit({ ...spec, label: 'new', output: { container: stack.container, prefix: 'v2' } });
        expect((await stack.getJob(v2)).kindVersion).toBe('2.0.0');
        await new Promise((r) => setTimeout(r, 500));
        expect((await stack.getJob(v1)).progress.done).toBe(0);

        // Both majors' workers start side by side; each job is done by its own.
        await stack.startWorkerProcess('echo-1', { PARTITA_KINDS: fixture('echo-v1/index.mjs') });
        await stack.startWorkerProcess('echo-2', { PARTITA_KINDS: fixture('echo-v2/index.mjs') });
        for (const [id, major, worker, prefix] of [
          [v1, 1, 'echo-1', 'v1'],
          [v2, 2, 'echo-2', 'v2'],
        ] as const) {
          const job = await stack.waitForJob(id);
          expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
          expect(job.progress).toMatchObject({ itemsDone: 30, itemNoun: 'numbers' });
          expect(new Set(job.partitions.map((p) => p.workerId))).toEqual(new Set([worker]));
          const { manifest, rows } = await readJobWithDuckDb(job, (c, p) => stack.store.get(c, p), 'n');
          expect(manifest.files.every((f) => f.path.startsWith(`${prefix}/`))).toBe(true);
          expect(rows.map((r) => r['n'])).toEqual(Array.from({ length: 30 }, (_, i) => i));
          expect(new Set(rows.map((r) => r['major']))).toEqual(new Set([major]));
        }
      })(),
    ));
});

describe('loading kinds: a module that cannot be served stops the process, naming it', () => {
  it('refuses a module that throws on import, one that exports no kind, and a repeated name', async () => {
    const load = (path: string) => loadKinds(parseKindModules(fixture(path)));
    await expect(load('throws.mjs')).rejects.toThrow(KindLoadError);
    await expect(load('throws.mjs')).rejects.toThrow(/cannot import .*throws\.mjs: the churn model file is missing/);
    await expect(load('no-kind.mjs')).rejects.toThrow(/no-kind\.mjs exports no kind/);
    await expect(load('noop-again.mjs')).rejects.toThrow(/kind "noop" is defined twice: by @partita\/kind-noop and by .*noop-again\.mjs/);
    await expect(loadKinds(['@partita/no-such-kind'])).rejects.toThrow(/cannot import @partita\/no-such-kind/);
    // Two modules of one kind (two versions of echo): a process serves one version of a kind.
    await expect(loadKinds(parseKindModules(`${fixture('echo-v1/index.mjs')},${fixture('echo-v2/index.mjs')}`))).rejects.toThrow(
      /kind "echo" is defined twice: by .*echo-v1\/index\.mjs and by .*echo-v2\/index\.mjs/,
    );
    // Relative paths are taken from the working directory.
    expect(parseKindModules('./a.js, @org/kind ,', '/srv/app')).toEqual(['file:///srv/app/a.js', '@org/kind']);
  });

  it('a worker process given such a module exits with the module named, before it takes any partition', async () => {
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        ...process.env,
        PARTITA_KINDS: fixture('throws.mjs'),
        WORKER_HTTP_PORT: '-1',
        AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/KindLoadError: PARTITA_KINDS: cannot import .*throws\.mjs: the churn model file is missing/);
  });

  it('WORKER_KINDS naming a kind nobody loaded stops the worker, listing the kinds it knows', async () => {
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        ...process.env,
        WORKER_KINDS: 'travel-plan,churn-score',
        WORKER_HTTP_PORT: '-1',
        AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/WORKER_KINDS: unknown kind churn-score: this worker knows travel-plan, sql-extract, noop, program/);
  });
});
