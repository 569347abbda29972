import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TERMINAL_JOB_STATUSES, type JobList, type JobView } from '@partita/contracts';
import { createLogger } from '@partita/telemetry';
import { readMasterEnv } from '../../apps/master/src/env.js';
import { startMaster, type RunningMaster } from '../../apps/master/src/master.js';
import { DATABASE_URL, READER_ROLE, SOURCE_DATABASE_URL } from '../support/env.js';
import { uniqueName } from '../support/isolation.js';
import { useSourceSchema } from '../support/source-schema.js';
import { useStack } from '../support/stack.js';

/** How long the schedule fires every second (the scenario's "minute", shortened to keep the suite fast). */
const SCHEDULE_SECONDS = Number(process.env['TWO_MASTERS_SCHEDULE_SECONDS'] ?? 15);

/**
 * Two masters on one catalog and one queue, as the Kubernetes base runs them: extracts planned on one are finalised
 * or cancelled on either. The master holding a job's snapshot releases it once the job ends, whoever ended it, and
 * completeness is checked whichever master finalises.
 */
describe('two masters: snapshots released and completeness checked whoever finalises', () => {
  const app = uniqueName('two-masters-');
  const source = useSourceSchema();
  const ctx = useStack({
    workers: 2,
    workerMode: 'in-process',
    env: { RECONCILE_INTERVAL_MS: '500', SOURCE_DATABASE_URL: `${SOURCE_DATABASE_URL}?application_name=${app}` },
  });

  it(
    'a schedule firing every second, jobs cancelled on the other master: no snapshot left, every completeness recorded',
    { timeout: 240_000 },
    async () => {
      const { stack } = ctx;
      const s = source.schema;
      await source.sql(`create table ${s}.orders (id bigint primary key, amount numeric(12,2));
      insert into ${s}.orders select g, g / 100.0 from generate_series(1, 5000) g; analyze ${s}.orders;`);
      const second: RunningMaster = await startMaster(
        readMasterEnv({ ...stack.env, PORT: '0' }),
        createLogger({ name: 'b', level: 'error' }),
      );
      const masters = [stack.master, second];
      const call = async (m: RunningMaster, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
        const res = await m.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
        return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
      };
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      try {
        const name = `p-${s}`;
        const pipeline = {
          settings: { chunks: { count: 3 }, container: stack.container },
          entries: [{ name: 'orders', source: { table: `${s}.orders` }, sink: { dataset: `orders-${s}` } }],
        };
        expect((await call(stack.master, 'PUT', `/pipelines/${name}`, pipeline)).status).toBe(201);
        expect((await call(second, 'PUT', `/pipelines/${name}/schedule`, { cron: '* * * * * *' })).status).toBe(200);

        // Meanwhile, jobs planned on one master and cancelled on the other, while their chunks wait or run.
        const spec = {
          kind: 'sql-extract',
          source: { table: `${s}.orders` },
          chunks: { count: 4 },
          output: { container: stack.container },
        };
        const cancelled: string[] = [];
        const until = Date.now() + SCHEDULE_SECONDS * 1000;
        for (let i = 0; Date.now() < until; i++) {
          const planner = masters[i % 2]!;
          const other = masters[(i + 1) % 2]!;
          const submitted = await call(planner, 'POST', '/jobs', { ...spec, dataset: { name: `manual-${i}` } });
          expect(submitted.status, JSON.stringify(submitted.json)).toBe(202);
          if (i % 2 === 0) {
            const res = await call(other, 'DELETE', `/jobs/${submitted.json.id}`);
            if (res.status === 200) cancelled.push(submitted.json.id);
          }
          await new Promise((r) => setTimeout(r, 700));
        }
        expect((await call(second, 'DELETE', `/pipelines/${name}/schedule`)).status).toBe(204);
        expect(cancelled.length).toBeGreaterThan(0);

        // Every job ends.
        let jobs: JobView[] = [];
        await expect
          .poll(
            async () => {
              const list = (await call(stack.master, 'GET', '/jobs?limit=500')).json as JobList;
              jobs = await Promise.all(list.items.map(async (j) => (await call(stack.master, 'GET', `/jobs/${j.id}`)).json as JobView));
              return jobs.every((j) => TERMINAL_JOB_STATUSES.includes(j.status));
            },
            { timeout: 120_000, interval: 500 },
          )
          .toBe(true);
        const scheduled = jobs.filter((j) => j.dataset?.name === `orders-${s}`);
        expect(scheduled.length).toBeGreaterThanOrEqual(Math.floor(SCHEDULE_SECONDS / 2));

        // No snapshot transaction is left open by either master, within a sweep or two.
        const open = async () =>
          Number(
            (
              await admin.query<{ n: string }>(
                `select count(*) as n from pg_stat_activity where usename = $1 and application_name = $2 and state like 'idle in transaction%'`,
                [READER_ROLE, app],
              )
            ).rows[0]!.n,
          );
        await expect.poll(open, { timeout: 5_000, interval: 250 }).toBe(0);

        // Every job that succeeded has its completeness recorded and checked, whichever master finalised it.
        const succeeded = jobs.filter((j) => j.status === 'succeeded');
        expect(succeeded.length).toBeGreaterThan(0);
        for (const job of succeeded)
          expect(job.extract?.completeness, job.id).toEqual({ sourceRows: 5000, rowsWritten: 5000, complete: true });
        for (const id of cancelled) expect(jobs.find((j) => j.id === id)?.status).toBe('cancelled');
      } finally {
        await second.close();
        await admin.end();
      }
    },
  );
});
