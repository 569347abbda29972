import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Manifest } from '@partita/contracts';
import { readParquet } from '@partita/parquet';
import { useSourceSchema } from '../support/source-schema.js';
import { startStack, type TestStack } from '../support/stack.js';

const GROUP_STATS = fileURLToPath(new URL('../fixtures/kinds/group-stats/index.mjs', import.meta.url));

/** 1,000 customers; the first 10 (1 %) hold half of the 100,000 orders. */
const CUSTOMERS = 1000;
const BIG = 10;
const ORDERS = 100_000;

describe('groupsOf: the groups of a skewed table, packed by size, read in the job’s snapshot', () => {
  const source = useSourceSchema();
  let stack: TestStack;
  let passed = true;

  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { PARTITA_KINDS: GROUP_STATS } });
  });
  afterAll(async () => stack?.close(passed));
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'pass') passed = false;
  });

  async function orders(): Promise<string> {
    const table = `${source.schema}.orders`;
    await source.sql(
      `create table ${table} (id bigint primary key, customer_id int not null, amount numeric(10,2) not null, placed_at timestamptz not null)`,
    );
    // Half the orders go to the 10 big customers, the other half spread over the 990 others.
    await source.sql(
      `insert into ${table}
       select i,
              case when i % 2 = 0 then (i / 2) % ${BIG} else ${BIG} + (i / 2) % ${CUSTOMERS - BIG} end,
              ((i * 37) % 100000) / 100.0,
              timestamptz '2026-01-01 00:00:00+00' + make_interval(secs => i * 7.123457)
         from generate_series(1, ${ORDERS}) as i`,
    );
    await source.sql(`analyze ${table}`);
    return table;
  }

  it('plans the largest partition within 1.05 of the LPT lower bound and delivers every row of every group once, in the snapshot', async () => {
    const table = await orders();
    const expected = await source.sql(
      `select customer_id, count(*)::int as orders, sum(id)::text as id_sum, sum(amount)::text as amount,
              -- Dates carry milliseconds: a timestamp reaches the kind's code without its microseconds.
              (floor(extract(epoch from max(placed_at)) * 1000) * 1000)::bigint::text as latest
         from ${table} group by 1 order by 1`,
    );
    const id = await stack.submit({ kind: 'group-stats', table, partitions: 8, output: { container: stack.container, prefix: 'stats' } });

    // After the submit: new orders for existing and new customers, and deleted ones. None of it may be seen.
    await source.sql(`insert into ${table} select ${ORDERS} + i, i % 20, 1.00, now() from generate_series(1, 500) as i`);
    await source.sql(`insert into ${table} values (${ORDERS + 1000}, ${CUSTOMERS + 5}, 9.99, now())`);
    await source.sql(`delete from ${table} where customer_id = 3 and id < 100`);

    const waiting = await stack.getJob(id);
    expect(waiting.progress).toMatchObject({ itemsTotal: CUSTOMERS, itemNoun: 'customers' });
    const costs = waiting.partitions.map((p) => p.estimatedCost);
    expect(costs).toHaveLength(8);
    expect(costs.reduce((a, b) => a + b, 0)).toBe(ORDERS);
    const biggest = Math.max(...expected.rows.map((r) => r.orders as number));
    const lowerBound = Math.max(ORDERS / 8, biggest);
    expect(Math.max(...costs) / lowerBound).toBeLessThanOrEqual(1.05);

    // Both workers listen before the partitions are let go: each takes a share.
    await stack.pauseWorkers();
    await Promise.all([stack.startWorkerProcess('g1'), stack.startWorkerProcess('g2')]);
    await stack.resumeWorkers();
    const job = await stack.waitForJob(id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(new Set(job.partitions.map((p) => p.workerId))).toEqual(new Set(['g1', 'g2']));

    const manifest = Manifest.parse(JSON.parse((await stack.store.get(stack.container, job.output.manifest!)).toString()));
    const rows: Record<string, unknown>[] = [];
    for (const file of manifest.files)
      rows.push(...(await readParquet(await stack.store.get(stack.container, file.path), { exact: true })).rows);
    rows.sort((a, b) => (a['customer_id'] as number) - (b['customer_id'] as number));
    expect(rows.map((r) => ({ ...r, id_sum: String(r['id_sum']), latest: String(r['latest']) }))).toEqual(expected.rows);
  });

  it('refuses a group over maxGroupRows when the job is planned, naming its key and size', async () => {
    const table = await orders();
    const res = await stack.master.app.inject({
      method: 'POST',
      url: '/jobs',
      payload: { kind: 'group-stats', table, maxGroupRows: 4000, output: { container: stack.container } },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ issues: { path: string; message: string }[] }>();
    expect(body.issues).toHaveLength(1);
    expect(body.issues[0]!.path).toBe('table');
    expect(body.issues[0]!.message).toMatch(
      /^10 group\(s\) over 4,000 rows \(maxGroupRows\): \{"customer_id":0\} holds 5,000 rows; \{"customer_id":1\} holds 5,000 rows/,
    );
    const missing = await stack.master.app.inject({
      method: 'POST',
      url: '/jobs',
      payload: { kind: 'group-stats', table: `${source.schema}.nope`, output: { container: stack.container } },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<{ issues: { path: string }[] }>().issues[0]!.path).toBe('table');
  });

  it('a master holds at most MAX_OPEN_SNAPSHOTS snapshots: one more is a 429 naming the limit, accepted once one ended', async () => {
    const table = await orders();
    stack.env['MAX_OPEN_SNAPSHOTS'] = '1';
    await stack.restartMaster();
    try {
      const spec = { kind: 'group-stats', table, output: { container: stack.container, prefix: 'limit' } };
      const first = await stack.submit(spec);
      const second = await stack.master.app.inject({ method: 'POST', url: '/jobs', payload: spec });
      expect(second.statusCode).toBe(429);
      expect(second.json<{ message: string }>().message).toMatch(
        /holds 1 source snapshots for running jobs, its limit \(MAX_OPEN_SNAPSHOTS\)/,
      );
      expect((await stack.master.app.inject({ method: 'DELETE', url: `/jobs/${first}` })).statusCode).toBe(200);
      const third = await stack.master.app.inject({ method: 'POST', url: '/jobs', payload: spec });
      expect(third.statusCode, third.body).toBe(202);
      expect((await stack.master.app.inject({ method: 'DELETE', url: `/jobs/${third.json<{ id: string }>().id}` })).statusCode).toBe(200);
    } finally {
      delete stack.env['MAX_OPEN_SNAPSHOTS'];
    }
  });
});
