import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { TravelPlanSpecInput } from '@partita/contracts';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { stringify } from 'yaml';
import { DEPLOY, dashboardTargets, readDashboard, readYaml, type PrometheusConfig } from '../deploy/deploy-files.js';
import { ensureReaderRole } from '@partita/extract';
import { DATABASE_URL, READER_ROLE } from '../support/env.js';
import { uniqueName } from '../support/isolation.js';
import { freePort } from '../support/ports.js';
import { startStack, withContainer, type TestStack } from '../support/stack.js';

/** Debian's Prometheus (package `prometheus`), which brings promtool along. */
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

const SCRAPE = '1s';
/**
 * Grafana's variables as Grafana would fill them for a 1 s step against a 1 s scrape: $__rate_interval is
 * max($__interval + scrape interval, 4 × scrape interval). `kind` is "All", whose value the dashboard sets to `.*`.
 */
function grafanaVariables(rangeSeconds: number): Record<string, string> {
  return {
    __rate_interval: '4s',
    __interval: '1s',
    __interval_ms: '1000',
    __range: `${rangeSeconds}s`,
    __range_s: String(rangeSeconds),
    __range_ms: String(rangeSeconds * 1000),
    kind: '.*',
  };
}

/** An expression with Grafana's `$name`, `${name}` and `${name:format}` replaced; throws on a variable it does not know. */
function substitute(expr: string, variables: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const value = variables[(braced ?? bare)!];
    if (value === undefined) throw new Error(`unknown Grafana variable ${whole}`);
    return value;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}
interface Series {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}
interface ActiveTarget {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  scrapeUrl: string;
}

/** A Prometheus on a free loopback port, with its config and TSDB in a temporary directory of its own. */
class PrometheusServer {
  readonly url: string;
  private stderr = '';

  private constructor(
    readonly process: ChildProcess,
    readonly dir: string,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8000);
    });
  }

  static async start(config: unknown): Promise<PrometheusServer> {
    const dir = await mkdtemp(join(tmpdir(), 'partita-prometheus-'));
    const configFile = join(dir, 'prometheus.yml');
    await writeFile(configFile, stringify(config));
    await promisify(execFile)(PROMTOOL, ['check', 'config', configFile]);
    const port = await freePort();
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const server = new PrometheusServer(child, dir, port);
    await server.until('Prometheus to be ready', async () => (await fetch(`${server.url}/-/ready`).catch(() => null))?.ok === true, 15_000);
    return server;
  }

  /** Polls `check` every 200 ms; fails with Prometheus's own log when it gives out or the process ends. */
  async until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.process.exitCode !== null || this.process.signalCode !== null) {
        throw new Error(`prometheus exited (${this.process.exitCode ?? this.process.signalCode}) waiting for ${what}:\n${this.stderr}`);
      }
      if (await check()) return;
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}; prometheus log:\n${this.stderr}`);
      await sleep(200);
    }
  }

  async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.url}/api/v1/${path}?${new URLSearchParams(params).toString()}`);
    const body = (await res.json()) as PromResponse<T>;
    if (body.status !== 'success') throw new Error(`${body.errorType ?? res.status}: ${body.error ?? 'no error message'}`);
    return body.data;
  }

  /** The value of a query that yields one series, now. */
  async scalar(query: string): Promise<number> {
    const data = await this.api<{ result: Series[] }>('query', { query });
    if (data.result.length !== 1) throw new Error(`${query}: ${data.result.length} series`);
    return Number(data.result[0]!.value![1]);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * The deployed docker-compose scrape config (deploy/prometheus/prometheus.yml), with its relabelling and so its
 * `component` labels unchanged: only the discovery is replaced by the test stack's addresses, and the intervals by 1 s.
 */
function testConfig(targets: Record<string, string[]>): unknown {
  const deployed = readYaml<PrometheusConfig>(DEPLOY.prometheusCompose);
  return {
    global: { scrape_interval: SCRAPE, scrape_timeout: SCRAPE, evaluation_interval: SCRAPE },
    scrape_configs: deployed.scrape_configs.map(({ dns_sd_configs: _dns, static_configs, ...scrape }) => {
      const addresses = targets[scrape.job_name];
      if (!addresses) throw new Error(`deploy/prometheus/prometheus.yml has a job ${scrape.job_name} the test stack does not run`);
      const labels = Object.assign({}, ...(static_configs ?? []).map((s) => s.labels ?? {})) as Record<string, string>;
      return { ...scrape, scrape_interval: SCRAPE, scrape_timeout: SCRAPE, static_configs: [{ targets: addresses, labels }] };
    }),
  };
}

describe('the Grafana dashboard against a real Prometheus scraping a running stack', () => {
  let stack: TestStack | undefined;
  let prometheus: PrometheusServer | undefined;
  let source: pg.Client | undefined;
  /** Holds a lock on the retry job's table; ended first in afterAll, so that nothing waits on it. */
  let locker: pg.Client | undefined;
  const schema = uniqueName('src_');
  /** The stack's state (catalog schema, queue keys, container) is removed only when everything passed. */
  let passed = false;

  beforeAll(async () => {
    if (!existsSync(PROMETHEUS) || !existsSync(PROMTOOL)) {
      throw new Error(`${PROMETHEUS} (and ${PROMTOOL}) not found: install Debian's package \`prometheus\` (apt-get install prometheus)`);
    }
    source = new pg.Client({ connectionString: DATABASE_URL });
    await source.connect();
    await source.query(`create schema ${schema}`);
    await ensureReaderRole(source, READER_ROLE, [schema]);
    await source.query(`
      create table ${schema}.orders (id int primary key, amount numeric(12,2) not null, note text);
      insert into ${schema}.orders select g, g / 100.0, md5(g::text) from generate_series(1, 20000) g;
      create table ${schema}.travellers (group_id text, person text, home_airport text, destination text);
      insert into ${schema}.travellers values ('g1', 'Ann', 'BOS', 'LGA'), ('g1', 'Bob', 'DAL', 'LGA'), ('g2', 'Cy', 'ORD', 'LGA');
      create table ${schema}.flights (origin text, destination text, departure time, arrival interval, price numeric(10,2));
      insert into ${schema}.flights
        select o, d, make_time(h, 0, 0), make_interval(hours => h + 2), 100 + h
          from (values ('BOS', 'LGA'), ('LGA', 'BOS'), ('DAL', 'LGA'), ('LGA', 'DAL'), ('ORD', 'LGA'), ('LGA', 'ORD')) r(o, d),
               generate_series(6, 20, 2) h;
      create table ${schema}.flights_gone as table ${schema}.flights;`);

    stack = await startStack({ workers: 2, workerHttp: true });
    const workers = [...stack.workerHttpPorts.values()].map((port) => `127.0.0.1:${port}`);
    expect(workers).toHaveLength(2);
    prometheus = await PrometheusServer.start(testConfig({ 'partita-master': [new URL(stack.baseUrl).host], 'partita-worker': workers }));
    const p = prometheus;
    await p.until(
      'all 3 targets to be up',
      async () => {
        const { activeTargets } = await p.api<{ activeTargets: ActiveTarget[] }>('targets');
        return activeTargets.length === 3 && activeTargets.every((t) => t.health === 'up');
      },
      15_000,
    );
    passed = true;
  });

  afterAll(async () => {
    await locker?.end();
    try {
      await prometheus?.stop();
    } finally {
      try {
        await stack?.close(passed);
      } finally {
        await source?.query(`drop schema if exists ${schema} cascade`);
        await source?.end();
      }
    }
  });

  it('the deployed Prometheus configs pass promtool', async () => {
    onTestFailed(() => void (passed = false));
    await promisify(execFile)(PROMTOOL, ['check', 'config', DEPLOY.prometheusCompose]);
    // Debian builds Prometheus without Kubernetes discovery; where promtool knows it, the Kubernetes config must pass too.
    const k8s = await promisify(execFile)(PROMTOOL, ['check', 'config', DEPLOY.prometheusK8s]).then(
      () => 'valid',
      (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
    if (k8s !== 'valid') expect(k8s).toMatch(/field kubernetes_sd_configs not found/);
  });

  it('every target of every panel returns data once real jobs have run', { timeout: 90_000 }, async () => {
    onTestFailed(() => void (passed = false));
    const s = stack!;
    const p = prometheus!;
    const { activeTargets } = await p.api<{ activeTargets: ActiveTarget[] }>('targets');
    expect(activeTargets.map((t) => `${t.labels['job']} ${t.labels['component']}`).sort()).toEqual([
      'partita-master master',
      'partita-worker worker',
      'partita-worker worker',
    ]);

    const start = Date.now();
    // A backlog first, so that queue depth, queue wait and busy slots have something to show.
    await s.pauseWorkers();
    const travel = (prefix: string, spec: Omit<TravelPlanSpecInput, 'kind' | 'output'>) =>
      withContainer<TravelPlanSpecInput>({ kind: 'travel-plan', ...spec }, s.container, prefix);
    const travelId = await s.submit(
      travel('travel', { input: { generate: { groups: 400, seed: 5 } }, optimizer: { algorithm: 'genetic', restarts: 2 }, partitions: 8 }),
    );
    const extractId = await s.submit({
      kind: 'sql-extract',
      source: { table: `${schema}.orders` },
      chunks: { count: 4 },
      output: { container: s.container, prefix: 'extract' },
      dataset: { name: `dashboard-${schema}` },
    });
    // Retries: a transient error. The flights table is locked, so each partition's read of its routes waits on the
    // lock; its connection is then terminated (SQLSTATE 57P01, an operator's intervention: worth retrying), the lock
    // released, and the second attempt succeeds. (Not the travellers table: the job's snapshot, held from the submit
    // on, keeps a share lock on what planning read, as pg_dump's does.)
    const input = { postgres: { travellers: `${schema}.travellers`, flights: `${schema}.flights` } };
    const retryId = await s.submit(travel('retry', { input, partitions: 2, retry: { attempts: 3, backoffMs: 200 } }));
    locker = new pg.Client({ connectionString: DATABASE_URL });
    await locker.connect();
    await locker.query('begin');
    await locker.query(`lock table ${schema}.flights in access exclusive mode`); // after the submit, which checks it
    // A permanent error: this table is gone by the time a worker reads it, so each partition fails at once.
    const failId = await s.submit(
      travel('fail', { input: { postgres: { ...input.postgres, flights: `${schema}.flights_gone` } }, partitions: 2 }),
    );
    await source!.query(`drop table ${schema}.flights_gone`);
    await sleep(2500); // scraped at least twice while waiting
    await s.resumeWorkers();
    const blocked = async () =>
      (
        await source!.query<{ pid: number }>(
          `select pid from pg_stat_activity
            where application_name = 'partita-worker-source' and wait_event_type = 'Lock' and query like '%flights%'`,
        )
      ).rows.map((r) => r.pid);
    await p.until('both partitions of the retry job to wait on the lock', async () => (await blocked()).length === 2, 60_000);
    await source!.query('select pg_terminate_backend(pid) from unnest($1::int[]) pid', [await blocked()]);
    await locker.query('rollback');

    const planned = await s.waitForJob(travelId, 60_000);
    const extract = await s.waitForJob(extractId, 60_000);
    const retried = await s.waitForJob(retryId, 60_000);
    const failed = await s.waitForJob(failId, 60_000);
    expect(planned.status, JSON.stringify(planned.error)).toBe('succeeded');
    expect(extract.status, JSON.stringify(extract.error)).toBe('succeeded');
    expect(retried.status, JSON.stringify(retried.error)).toBe('succeeded');
    expect(retried.partitions.map((x) => x.attempts)).toEqual([2, 2]);
    expect(failed.status).toBe('failed');
    expect(failed.partitions.map((x) => x.attempts)).toEqual([1, 1]);
    expect(failed.error?.message).toMatch(/flights_gone.*does not exist/);

    // Three more scrapes of every target after the last job ended, before reading anything.
    const ended = Date.now() / 1000;
    await p.until(
      'three scrapes after the jobs',
      async () => (await p.scalar('count(up == 1)')) === 3 && (await p.scalar('min(timestamp(up))')) >= ended + 3,
      15_000,
    );

    // What Prometheus holds is what the jobs did.
    expect(await p.scalar('sum(partita_rows_written_total{kind="sql-extract"})')).toBe(20000);
    expect(await p.scalar('sum(partita_partitions_finished_total{kind="travel-plan", outcome="succeeded"})')).toBe(10);
    expect(await p.scalar('sum(partita_partitions_finished_total{kind="travel-plan", outcome="failed"})')).toBe(2);
    expect(await p.scalar('sum(partita_partitions_retried_total{kind="travel-plan"})')).toBe(2);
    expect(await p.scalar('sum(partita_jobs_finished_total{outcome="failed"})')).toBe(1);

    // Every panel's queries over the run, as Grafana would send them.
    const end = Math.ceil(Date.now() / 1000);
    const from = Math.floor(start / 1000) - 2;
    const variables = grafanaVariables(end - from);
    const targets = dashboardTargets(readDashboard());
    expect(targets.length).toBeGreaterThan(20);
    const noData: string[] = [];
    await Promise.all(
      targets.map(async ({ panel, target }) => {
        const where = `panel ${panel.id} "${panel.title}" target ${target.refId}: ${target.expr}`;
        try {
          const query = substitute(target.expr ?? '', variables);
          const data = await p.api<{ resultType: string; result: Series[] }>('query_range', {
            query,
            start: String(from),
            end: String(end),
            step: '1',
          });
          const values = data.result.flatMap((r) => r.values ?? []).map(([, v]) => Number(v));
          if (data.result.length === 0) noData.push(`${where} → no series`);
          else if (!values.some(Number.isFinite)) noData.push(`${where} → ${data.result.length} series, no finite value`);
        } catch (err) {
          noData.push(`${where} → ${(err as Error).message}`);
        }
      }),
    );
    expect(noData, `${noData.length} of ${targets.length} targets show nothing:\n${noData.join('\n')}`).toEqual([]);
  });
});
