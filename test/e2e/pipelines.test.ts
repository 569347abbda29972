import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  PIPELINE_RUNS_QUEUE,
  type DatasetHistory,
  type EntryView,
  type JobView,
  type PipelineRunList,
  type PipelineRunView,
  type PipelineView,
} from '@partita/contracts';
import { api } from '../support/faults-api.js';
import { scrape, sumOf } from '../support/prom-text.js';
import { readJobResult } from '../support/results.js';
import { useSourceSchema } from '../support/source-schema.js';
import { useStack, type TestStack } from '../support/stack.js';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

async function waitForRun(stack: TestStack, pipeline: string, id: string, timeoutMs = 90_000): Promise<PipelineRunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, json } = await api(stack, 'GET', `/pipelines/${pipeline}/runs/${id}`);
    expect(status).toBe(200);
    if (TERMINAL.includes(json.status)) return json as PipelineRunView;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${json.status}: ${JSON.stringify(json.progress)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Three source tables of different sizes and shapes. */
const TABLES = (s: string) => `
  create table ${s}.orders (id bigint primary key, customer int not null, amount numeric(12,2), placed date);
  insert into ${s}.orders select g, g % 97, (g * 7 % 10000) / 100.0, date '2024-01-01' + g % 365 from generate_series(1, 3000) g;
  create table ${s}.customers (id int primary key, name text, country text);
  insert into ${s}.customers select g, 'customer ' || g, (array['FR', 'DE', 'NL'])[1 + g % 3] from generate_series(1, 300) g;
  create table ${s}.events (id bigint primary key, kind text);
  insert into ${s}.events select g, 'click' from generate_series(1, 100) g;
  analyze ${s}.orders; analyze ${s}.customers; analyze ${s}.events;
`;

function pipelineBody(s: string, container: string) {
  return {
    description: 'nightly copy of the shop tables',
    settings: { chunks: { count: 2 }, tags: { team: 'data', source: 'shop' }, container, casts: { numericAs: 'double' } },
    entries: [
      {
        name: 'orders',
        category: 'sales',
        source: { table: `${s}.orders`, where: 'amount > 0' },
        sink: { dataset: `orders-${s}`, description: 'paid orders' },
        settings: { chunks: { count: 3 }, tags: { source: 'orders-db', table: 'orders' } },
      },
      {
        name: 'customers',
        category: 'crm',
        source: { table: `${s}.customers` },
        sink: { dataset: `customers-${s}`, prefix: 'crm', compression: 'GZIP', maxRowsPerFile: 50 },
      },
      { name: 'events', enabled: false, source: { table: `${s}.events` }, sink: { dataset: `events-${s}` } },
    ],
  };
}

describe('pipelines: configuration tables that fan out into extract jobs, on demand and on a schedule', () => {
  const ctx = useStack({ workers: 2 });
  const source = useSourceSchema();

  it('runs the enabled entries as one extract job each, with inherited and overridden settings, datasets per entry', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(TABLES(s));
    const name = `shop-${s}`;

    const created = await api(stack, 'PUT', `/pipelines/${name}`, pipelineBody(s, stack.container));
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const again = await api(stack, 'POST', '/pipelines/apply', { pipelines: [{ name, ...pipelineBody(s, stack.container) }] });
    expect(again.json).toEqual({ items: [{ name, outcome: 'unchanged' }] });

    // The effective settings of each entry, with where each comes from.
    const view = (await api(stack, 'GET', `/pipelines/${name}`)).json as PipelineView;
    const entry = (n: string) => view.entries.find((e) => e.name === n)!;
    expect(entry('orders').effective.settings['chunks']).toEqual({ value: { count: 3 }, from: 'entry' });
    expect(entry('orders').effective.settings['tags']).toEqual({
      value: { team: 'data', source: 'orders-db', table: 'orders' },
      from: 'pipeline+entry',
    });
    expect(entry('orders').effective.settings['rowsPerRowGroup']).toEqual({ value: 131_072, from: 'default' });
    expect(entry('customers').effective.settings['chunks']).toEqual({ value: { count: 2 }, from: 'pipeline' });
    expect(entry('customers').effective.settings['compression']).toEqual({ value: 'GZIP', from: 'entry' });
    expect(entry('customers').effective.settings['container']).toEqual({ value: stack.container, from: 'pipeline' });
    expect(entry('customers').effective.spec).toMatchObject({
      kind: 'sql-extract',
      chunks: { count: 2 },
      output: { container: stack.container, prefix: 'crm', compression: 'GZIP', maxRowsPerFile: 50 },
      casts: { numericAs: 'double' },
      dataset: { name: `customers-${s}`, tags: { team: 'data', source: 'shop' } },
    });

    const started = await api(stack, 'POST', `/pipelines/${name}/runs`, {});
    expect(started.status).toBe(202);
    expect(started.json.trigger).toBe('manual');
    expect(started.json.entries.map((e: { entry: string }) => e.entry)).toEqual(['orders', 'customers']);
    const run = await waitForRun(stack, name, started.json.id);
    expect(run.status, JSON.stringify(run.entries.map((e) => e.job?.error))).toBe('succeeded');
    expect(run.progress.entries).toMatchObject({ total: 2, succeeded: 2, failed: 0, pending: 0 });
    expect(run.progress.partitionsTotal).toBe(5);
    expect(run.progress.partitionsDone).toBe(5);
    expect(run.progress.itemsDone).toBe(3000 + 300);
    expect(run.finishedAt).not.toBeNull();
    expect(run.timings.sumPartitionMs).toBeGreaterThan(0);
    expect(run.timings.speedup).toBeCloseTo(run.timings.sumPartitionMs / run.timings.wallMs, 6);

    // Each entry's job: its own spec, files and dataset version, read back from Blob Storage.
    const jobOf = async (entryName: string): Promise<JobView> =>
      (await api(stack, 'GET', `/jobs/${run.entries.find((e) => e.entry === entryName)!.job!.id}`)).json as JobView;
    const orders = await jobOf('orders');
    expect(orders.partitions).toHaveLength(3);
    expect(orders.output).toMatchObject({ container: stack.container, prefix: `${name}/orders-${s}` });
    expect(orders.dataset).toEqual({
      name: `orders-${s}`,
      description: 'paid orders',
      tags: { team: 'data', source: 'orders-db', table: 'orders' },
    });
    const orderRows = (await readJobResult(stack, orders)).rows;
    expect(orderRows).toHaveLength(3000);
    expect(typeof orderRows[0]!['amount']).toBe('number'); // the pipeline's cast: numeric as double
    const customers = await jobOf('customers');
    expect(customers.output.prefix).toBe(`crm/customers-${s}`);
    const customerResult = await readJobResult(stack, customers);
    expect(customerResult.rows).toHaveLength(300);
    expect(customerResult.manifest.files.length).toBeGreaterThanOrEqual(6); // at most 50 rows per file
    for (const dataset of [`orders-${s}`, `customers-${s}`]) {
      const history = (await api(stack, 'GET', `/datasets/${dataset}`)).json as DatasetHistory;
      expect(history.versions).toHaveLength(1);
    }
    expect((await api(stack, 'GET', `/datasets/events-${s}`)).status).toBe(404); // disabled: not run

    // A run of one category runs only its entries.
    const crm = await api(stack, 'POST', `/pipelines/${name}/runs`, { category: 'crm' });
    expect(crm.json.entries.map((e: { entry: string }) => e.entry)).toEqual(['customers']);
    expect((await waitForRun(stack, name, crm.json.id)).status).toBe('succeeded');
    const nothing = await api(stack, 'POST', `/pipelines/${name}/runs`, { category: 'finance' });
    expect(nothing.status).toBe(409);
    expect(nothing.json.message).toContain('no enabled entries in category finance');

    const runs = (await api(stack, 'GET', `/pipelines/${name}/runs`)).json as PipelineRunList;
    expect(runs.items.map((r) => r.id)).toEqual([crm.json.id, run.id]);
    const metrics = await scrape(`${stack.baseUrl}/metrics`);
    expect(sumOf(metrics, 'partita_pipeline_runs_total', { trigger: 'manual' })).toBe(2);
    expect(sumOf(metrics, 'partita_pipeline_runs_total', { trigger: 'schedule' })).toBe(0);
  });

  it('changes settings and entries one at a time; entries inherit the pipeline setting unless they override it', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(TABLES(s));
    const name = `kv-${s}`;
    expect((await api(stack, 'POST', '/pipelines', { name, ...pipelineBody(s, stack.container) })).status).toBe(201);
    expect((await api(stack, 'POST', '/pipelines', { name, ...pipelineBody(s, stack.container) })).status).toBe(409);

    const set = await api(stack, 'PUT', `/pipelines/${name}/settings/chunks`, { value: { rowsPerChunk: 100 } });
    expect(set.status).toBe(200);
    expect(set.json.chunks).toEqual({ rowsPerChunk: 100 });
    const effective = async (entry: string) =>
      ((await api(stack, 'GET', `/pipelines/${name}/entries/${entry}`)).json as EntryView).effective;
    expect((await effective('customers')).settings['chunks']).toEqual({ value: { rowsPerChunk: 100 }, from: 'pipeline' });
    expect((await effective('orders')).settings['chunks']).toEqual({ value: { count: 3 }, from: 'entry' });

    // Removing the pipeline's value: the extract's default shows through.
    expect((await api(stack, 'DELETE', `/pipelines/${name}/settings/chunks`)).status).toBe(200);
    expect((await effective('customers')).settings['chunks']).toEqual({ value: { count: 8 }, from: 'default' });

    // Bad values and keys are refused with the field and the reason; nothing changes.
    const badValue = await api(stack, 'PUT', `/pipelines/${name}/settings/rowsPerRowGroup`, { value: 0 });
    expect(badValue.status).toBe(400);
    expect(badValue.json.issues[0].path).toBe('value');
    const badKey = await api(stack, 'PUT', `/pipelines/${name}/settings/batchsize`, { value: 10 });
    expect(badKey.status).toBe(400);
    expect(badKey.json.issues[0].path).toBe('params.key');
    const badEntry = await api(stack, 'PUT', `/pipelines/${name}/entries/orders`, {
      source: { table: `${s}.orders` },
      sink: { container: 'Not_A_Container' },
      settings: { container: 'x' },
    });
    expect(badEntry.status).toBe(400);
    expect(badEntry.json.issues.map((i: { path: string }) => i.path).sort()).toEqual(['settings', 'sink.container']);
    const clash = await api(stack, 'PUT', `/pipelines/${name}/entries/more-orders`, {
      source: { table: `${s}.orders` },
      sink: { dataset: `orders-${s}` },
    });
    expect(clash.status).toBe(400);
    expect(clash.json.message).toContain(`dataset "orders-${s}"`);
    const tooManyTags = await api(stack, 'PUT', `/pipelines/${name}/entries/tagged`, {
      source: { table: `${s}.events` },
      settings: { tags: Object.fromEntries(Array.from({ length: 63 }, (_, i) => [`t${i}`, 'x'])) },
    });
    expect(tooManyTags.status).toBe(400);
    expect(tooManyTags.json.issues[0].path).toBe('entries[3]');
    const view = (await api(stack, 'GET', `/pipelines/${name}`)).json as PipelineView;
    expect(view.entries.map((e) => e.name)).toEqual(['orders', 'customers', 'events']);
    expect(view.entries[0]!.sink).toEqual({ dataset: `orders-${s}`, description: 'paid orders' });

    // An entry replaced keeps its place; a new one goes last; a deleted one is gone.
    expect((await api(stack, 'PUT', `/pipelines/${name}/entries/events`, { source: { table: `${s}.events` } })).status).toBe(200);
    expect((await api(stack, 'PUT', `/pipelines/${name}/entries/extra`, { source: { table: `${s}.events` } })).status).toBe(201);
    expect((await api(stack, 'DELETE', `/pipelines/${name}/entries/orders`)).status).toBe(204);
    const after = (await api(stack, 'GET', `/pipelines/${name}`)).json as PipelineView;
    expect(after.entries.map((e) => [e.name, e.enabled])).toEqual([
      ['customers', true],
      ['events', true],
      ['extra', true],
    ]);
    expect((await api(stack, 'DELETE', `/pipelines/${name}`)).status).toBe(204);
    expect((await api(stack, 'GET', `/pipelines/${name}`)).status).toBe(404);
  });

  it('a bad entry fails its own job with a clear error while the others succeed', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(TABLES(s));
    const name = `bad-${s}`;
    const body = pipelineBody(s, stack.container);
    body.entries.push(
      { name: 'missing', category: null, source: { table: `${s}.no_such_table` }, sink: { dataset: `missing-${s}` } } as never,
      { name: 'bad-where', category: null, source: { table: `${s}.customers`, where: 'no_such_column > 1' }, sink: {} } as never,
    );
    expect((await api(stack, 'PUT', `/pipelines/${name}`, body)).status).toBe(201);
    const started = await api(stack, 'POST', `/pipelines/${name}/runs`);
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const run = await waitForRun(stack, name, started.json.id);
    expect(run.status).toBe('failed');
    const byEntry = Object.fromEntries(run.entries.map((e) => [e.entry, e]));
    expect(byEntry['orders']!.status).toBe('succeeded');
    expect(byEntry['customers']!.status).toBe('succeeded');
    expect(byEntry['missing']!.status).toBe('failed');
    expect(byEntry['missing']!.job!.error).toMatchObject({ code: 'PARTITA_ERR_VALIDATION', retryable: false });
    expect(byEntry['missing']!.job!.error!.message).toMatch(/source\.table.*no_such_table.*does not exist/);
    expect(byEntry['bad-where']!.job!.error!.message).toMatch(/source\.where.*no_such_column/);
    expect(run.progress.entries).toMatchObject({ total: 4, succeeded: 2, failed: 2 });
    // The failed job is a job like any other: listed, shown, and not retried as if it had partitions.
    const failedJob = (await api(stack, 'GET', `/jobs/${byEntry['missing']!.job!.id}`)).json as JobView;
    expect(failedJob).toMatchObject({ status: 'failed', partitions: [], kind: 'sql-extract' });
    expect((await api(stack, 'POST', `/jobs/${failedJob.id}/retry`)).status).toBe(409);
  });

  it('runs at most maxConcurrentEntries entries at once: the next entry’s job is submitted when one ends', async () => {
    const { stack } = ctx;
    const name = `batches-${source.schema}`;
    const entry = (n: number) => ({ name: `e${n}`, job: { kind: 'noop', partitions: 1, sleepMs: 700 } });
    const put = await api(stack, 'PUT', `/pipelines/${name}`, {
      settings: { container: stack.container },
      maxConcurrentEntries: 2,
      entries: [1, 2, 3, 4, 5].map(entry),
    });
    expect(put.status, JSON.stringify(put.json)).toBe(201);
    expect((put.json as PipelineView).maxConcurrentEntries).toBe(2);
    const started = await api(stack, 'POST', `/pipelines/${name}/runs`, {});
    const run = await waitForRun(stack, name, started.json.id);
    expect(run.status, JSON.stringify(run.entries.map((e) => e.job?.error))).toBe('succeeded');
    const jobs = await Promise.all(run.entries.map(async (e) => (await api(stack, 'GET', `/jobs/${e.job!.id}`)).json as JobView));
    const spans = jobs.map((j) => [Date.parse(j.createdAt), Date.parse(j.finishedAt!)] as const);
    const open = (t: number) => spans.filter(([from, to]) => from <= t && t < to).length;
    // Five entries, two at a time: never three jobs open, and the cap was used.
    expect(Math.max(...spans.map(([from]) => open(from)))).toBe(2);
  });

  it('runs on a cron schedule exactly as on demand, shows the next run, and stops when the schedule is removed', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(TABLES(s));
    const name = `cron-${s}`;
    expect((await api(stack, 'PUT', `/pipelines/${name}`, pipelineBody(s, stack.container))).status).toBe(201);

    const bad = await api(stack, 'PUT', `/pipelines/${name}/schedule`, { cron: '61 * * * *' });
    expect(bad.status).toBe(400);
    expect(bad.json.issues[0].path).toBe('cron');
    const badZone = await api(stack, 'PUT', `/pipelines/${name}/schedule`, { cron: '0 3 * * *', timezone: 'Mars/Base' });
    expect(badZone.json.issues[0].path).toBe('timezone');

    const set = await api(stack, 'PUT', `/pipelines/${name}/schedule`, { cron: '*/2 * * * * *', category: 'crm' });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ cron: '*/2 * * * * *', timezone: 'UTC', category: 'crm' });
    expect(Date.parse(set.json.nextRunAt)).toBeGreaterThan(Date.now() - 1000);

    const deadline = Date.now() + 60_000;
    let scheduled: PipelineRunList['items'][number] | undefined;
    while (!scheduled) {
      if (Date.now() > deadline) throw new Error('no scheduled run within 60 s');
      await new Promise((r) => setTimeout(r, 250));
      scheduled = ((await api(stack, 'GET', `/pipelines/${name}/runs`)).json as PipelineRunList).items.at(-1);
    }
    expect(scheduled).toMatchObject({ trigger: 'schedule', category: 'crm' });
    const run = await waitForRun(stack, name, scheduled.id);
    expect(run.status).toBe('succeeded');
    expect(run.entries.map((e) => e.entry)).toEqual(['customers']);

    expect((await api(stack, 'DELETE', `/pipelines/${name}/schedule`)).status).toBe(204);
    expect((await api(stack, 'GET', `/pipelines/${name}/schedule`)).status).toBe(404);
    const settle = async () => {
      const list = ((await api(stack, 'GET', `/pipelines/${name}/runs?limit=200`)).json as PipelineRunList).items;
      for (const r of list) await waitForRun(stack, name, r.id);
      return list.length;
    };
    const count = await settle();
    await new Promise((r) => setTimeout(r, 4500));
    expect(await settle()).toBe(count);
    // Each scheduled run made a new version of the dataset, as a manual run does.
    const history = (await api(stack, 'GET', `/datasets/customers-${s}`)).json as DatasetHistory;
    expect(history.versions).toHaveLength(count);
    expect(sumOf(await scrape(`${stack.baseUrl}/metrics`), 'partita_pipeline_runs_total', { trigger: 'schedule' })).toBe(count);
  });

  it('takes over a run its master left half-submitted, without a second job for an entry already submitted', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(TABLES(s));
    const name = `resume-${s}`;
    expect((await api(stack, 'PUT', `/pipelines/${name}`, pipelineBody(s, stack.container))).status).toBe(201);
    const view = (await api(stack, 'GET', `/pipelines/${name}`)).json as PipelineView;
    const specOf = (entry: string) => view.entries.find((e) => e.name === entry)!.effective.spec as { dataset: { name: string } };

    // A master recorded the run, submitted the first entry's job and stopped before linking it or submitting the rest.
    const store = stack.master.catalog.runs;
    const runId = '00000000-0000-4000-8000-000000000001';
    const entries = ['orders', 'customers'].map((entry) => ({ entry, spec: specOf(entry) }));
    expect(
      await store.create({
        id: runId,
        pipeline: name,
        category: null,
        trigger: 'schedule',
        triggerKey: `firing-${s}`,
        entries,
        maxConcurrentEntries: null,
      }),
    ).toEqual({
      id: runId,
      created: true,
    });
    // A second delivery of the same firing finds that run.
    expect(
      await store.create({
        id: '00000000-0000-4000-8000-000000000002',
        pipeline: name,
        category: null,
        trigger: 'schedule',
        triggerKey: `firing-${s}`,
        entries,
        maxConcurrentEntries: null,
      }),
    ).toEqual({ id: runId, created: false });
    const first = await fetch(`${stack.baseUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `pipeline-run:${runId}:orders` },
      body: JSON.stringify(specOf('orders')),
    });
    const orphan = ((await first.json()) as { id: string }).id;
    expect((await api(stack, 'GET', `/pipelines/${name}/runs/${runId}`)).json.status).toBe('queued');

    // Once the run is old enough to have lost its master, the reconciler submits what is left.
    await stack.master.catalog.pool.query(
      `update pipeline_runs set created_at = created_at - interval '10 minutes', expanded_at = expanded_at - interval '10 minutes' where id = $1`,
      [runId],
    );
    const run = await waitForRun(stack, name, runId);
    expect(run.status).toBe('succeeded');
    expect(run.entries.find((e) => e.entry === 'orders')!.job!.id).toBe(orphan);
    const jobs = (await api(stack, 'GET', '/jobs?limit=50')).json as { items: Array<{ id: string }> };
    expect(jobs.items).toHaveLength(2);
  });

  it('sets a scheduler the queue lost again from the catalog', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(TABLES(s));
    const name = `lost-${s}`;
    expect(
      (
        await api(stack, 'PUT', `/pipelines/${name}`, {
          ...pipelineBody(s, stack.container),
          schedule: { cron: '0 3 * * *', timezone: 'Europe/Paris' },
        })
      ).status,
    ).toBe(201);
    const next = async () => ((await api(stack, 'GET', `/pipelines/${name}/schedule`)).json as { nextRunAt: string | null }).nextRunAt;
    const at = await next();
    expect(new Date(at!).getUTCHours()).toBeOneOf([1, 2]); // 03:00 in Paris

    const redis = new Redis(stack.env['REDIS_URL']!, { maxRetriesPerRequest: null });
    const queue = new Queue(PIPELINE_RUNS_QUEUE, { connection: redis, prefix: stack.prefix });
    try {
      expect(await queue.removeJobScheduler(name)).toBe(true);
      expect(await next()).toBeNull();
      const deadline = Date.now() + 20_000;
      while ((await next()) === null) {
        if (Date.now() > deadline) throw new Error('the scheduler was not set again');
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await next()).toBe(at);
      // Deleting the pipeline removes its scheduler.
      expect((await api(stack, 'DELETE', `/pipelines/${name}`)).status).toBe(204);
      expect(await queue.getJobScheduler(name)).toBeUndefined();
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('cancels a run: its waiting jobs are cancelled and the run ends cancelled', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(TABLES(s));
    const name = `stop-${s}`;
    expect((await api(stack, 'PUT', `/pipelines/${name}`, pipelineBody(s, stack.container))).status).toBe(201);
    await stack.pauseWorkers();
    const started = await api(stack, 'POST', `/pipelines/${name}/runs`, {});
    const deadline = Date.now() + 20_000;
    while ((await api(stack, 'GET', `/pipelines/${name}/runs/${started.json.id}`)).json.progress.entries.pending > 0) {
      if (Date.now() > deadline) throw new Error('entries still pending');
      await new Promise((r) => setTimeout(r, 100));
    }
    const cancelled = await api(stack, 'DELETE', `/pipelines/${name}/runs/${started.json.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    expect(cancelled.json.entries.map((e: { status: string }) => e.status)).toEqual(['cancelled', 'cancelled']);
    await stack.resumeWorkers();
    expect((await api(stack, 'DELETE', `/pipelines/${name}/runs/${started.json.id}`)).status).toBe(409);
    expect((await api(stack, 'GET', `/pipelines/${name}/runs/nope`)).status).toBe(400);
    expect((await api(stack, 'GET', `/pipelines/${name}/runs/00000000-0000-4000-8000-000000000009`)).status).toBe(404);
  });
});
