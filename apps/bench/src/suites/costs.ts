// Costs: what one partition and one job ask of Redis and PostgreSQL, counted on the servers during a real run (Redis'
// command statistics, PostgreSQL's transaction and row counters), and how many light workers one catalog and one
// Redis keep busy on this machine. docs/scaling.md projects them to 10, 100 and 1,000 workers.
import { Redis } from 'ioredis';
import pg from 'pg';
import { fmt, type Figure, type Suite } from '../suite.js';

/** Redis command calls by command, scripts' inner calls included (Redis counts them). */
async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1]!, Number(m[2]));
  return calls;
}

interface PgCounters {
  commits: number;
  rowsWritten: number;
}

/** Transactions committed in the database, and catalog rows written (inserted, updated, deleted) in `schema`. */
async function pgCounters(client: pg.Client, schema: string): Promise<PgCounters> {
  const db = await client.query<{ commits: string }>(
    'select xact_commit as commits from pg_stat_database where datname = current_database()',
  );
  const rows = await client.query<{ written: string | null }>(
    'select sum(n_tup_ins + n_tup_upd + n_tup_del) as written from pg_stat_user_tables where schemaname = $1',
    [schema],
  );
  return { commits: Number(db.rows[0]!.commits), rowsWritten: Number(rows.rows[0]!.written ?? 0) };
}

/**
 * A PostgreSQL backend publishes its counters when it goes idle, at most once a second, and an idle one within 10 s:
 * they are read once every connection has had that time.
 */
const settle = () => new Promise((r) => setTimeout(r, 11_000));

export const costs: Suite = {
  name: 'costs',
  title: 'Costs: Redis commands and PostgreSQL transactions per partition and per job; many light workers',

  async run(ctx) {
    const redis = new Redis(ctx.redisUrl);
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    const partitions = ctx.quick ? 500 : 2_000;
    const jobs = ctx.quick ? 20 : 50;
    const table: string[][] = [['measure', 'per partition', 'per job (1 partition)']];
    const figures: Figure[] = [];
    const notes: string[] = [];
    let raw: Record<string, unknown> = {};
    try {
      // 1. Counting: one worker, a job of many no-op partitions, then many one-partition jobs.
      const stack = await ctx.startStack({ workers: 1, workerEnv: { WORKER_CONCURRENCY: '32', WORKER_KINDS: 'noop' } });
      try {
        const spec = (n: number) => ({ kind: 'noop', partitions: n, output: { container: stack.container } });
        await stack.waitForJob(await stack.submit(spec(100)));
        await settle();
        const measure = async (run: () => Promise<void>) => {
          const [r0, p0] = [await commandCalls(redis), await pgCounters(client, stack.schema)];
          await run();
          await settle();
          const [r1, p1] = [await commandCalls(redis), await pgCounters(client, stack.schema)];
          const commands = new Map(
            [...r1].map(([k, v]) => [k, v - (r0.get(k) ?? 0)]).filter(([, v]) => (v as number) > 0) as [string, number][],
          );
          return { commands, commits: p1.commits - p0.commits, rowsWritten: p1.rowsWritten - p0.rowsWritten };
        };
        const big = await measure(async () => void (await stack.waitForJob(await stack.submit(spec(partitions)))));
        const small = await measure(async () => {
          for (let i = 0; i < jobs; i++) await stack.waitForJob(await stack.submit(spec(1)));
        });
        const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
        const scripts = (m: Map<string, number>) => (m.get('evalsha') ?? 0) + (m.get('eval') ?? 0);
        const per = (x: number, n: number) => x / n;
        table.push(
          [
            'Redis commands (scripts’ inner calls included)',
            fmt(per(total(big.commands), partitions)),
            fmt(per(total(small.commands), jobs)),
          ],
          ['  of which script calls (EVALSHA)', fmt(per(scripts(big.commands), partitions)), fmt(per(scripts(small.commands), jobs))],
          ['PostgreSQL transactions (whole database)', fmt(per(big.commits, partitions)), fmt(per(small.commits, jobs))],
          ['catalog rows written', fmt(per(big.rowsWritten, partitions)), fmt(per(small.rowsWritten, jobs))],
        );
        figures.push(
          { id: 'costs.redis-per-partition', label: 'Redis commands per partition', value: per(total(big.commands), partitions), unit: '' },
          {
            id: 'costs.pg-tx-per-partition',
            label: 'PostgreSQL transactions per partition',
            value: per(big.commits, partitions),
            unit: '',
          },
          { id: 'costs.redis-per-job', label: 'Redis commands per one-partition job', value: per(total(small.commands), jobs), unit: '' },
          { id: 'costs.pg-tx-per-job', label: 'PostgreSQL transactions per one-partition job', value: per(small.commits, jobs), unit: '' },
        );
        const top = [...big.commands].sort((a, b) => b[1] - a[1]).slice(0, 8);
        notes.push(
          `Counted on the servers around one ${partitions.toLocaleString('en')}-partition no-op job (one worker, WORKER_CONCURRENCY 32) ` +
            `and around ${jobs} one-partition no-op jobs one after another (each submitted, then awaited with GET /jobs/:id?wait=). ` +
            'Redis: INFO commandstats deltas (commands that BullMQ’s Lua scripts run are counted too). PostgreSQL: ' +
            'pg_stat_database.xact_commit (every transaction of the database, the readiness and status reads included) and ' +
            'pg_stat_user_tables row writes of the stack’s catalog schema.',
          `Most frequent Redis commands per partition in the large job: ${top.map(([k, v]) => `${k} ${fmt(v / partitions)}`).join(', ')}.`,
        );
        raw = {
          partitions,
          jobs,
          big: { ...big, commands: Object.fromEntries(big.commands) },
          small: { ...small, commands: Object.fromEntries(small.commands) },
        };
      } finally {
        await stack.stop();
      }

      // 2. Many light workers against one catalog and one Redis.
      const workers = ctx.quick ? 8 : 32;
      const concurrency = 8;
      const sleepMs = 100;
      const n = ctx.quick ? 1_000 : 5_000;
      ctx.log(`costs: starting ${workers} light workers`);
      const many = await ctx.startStack({ workers, workerEnv: { WORKER_CONCURRENCY: String(concurrency), WORKER_KINDS: 'noop' } });
      try {
        const spec = (k: number) => ({ kind: 'noop', partitions: k, sleepMs, output: { container: many.container } });
        await many.waitForJob(await many.submit(spec(workers * concurrency)));
        const t0 = performance.now();
        const job = await many.waitForJob(await many.submit(spec(n)));
        const ms = performance.now() - t0;
        const rate = n / (ms / 1000);
        const ideal = (workers * concurrency) / (sleepMs / 1000);
        const used = new Set(job.partitions.map((p) => p.workerId)).size;
        table.push(
          ['', '', ''],
          [`${workers} workers × ${concurrency} slots, partitions of ${sleepMs} ms`, `${fmt(rate)} partitions/s`, `ideal ${fmt(ideal)}/s`],
        );
        figures.push(
          { id: 'costs.many-workers-rate', label: `${workers} light workers: partitions per second`, value: rate, unit: '/s' },
          { id: 'costs.many-workers-share', label: `${workers} light workers: share of the ideal rate`, value: rate / ideal, unit: '' },
        );
        notes.push(
          `Many light workers: ${workers} worker processes × ${concurrency} slots, a ${n.toLocaleString('en')}-partition job of ` +
            `${sleepMs} ms no-op partitions, submit to end; ${used} workers ran partitions. Ideal: every slot busy all the time. ` +
            `On this machine the ${workers} processes, the master, PostgreSQL, Redis and Azurite share the machine's cores: the rate measures ` +
            'the cores as much as the catalog or Redis (docs/scaling.md).',
        );
        raw = { ...raw, many: { workers, concurrency, sleepMs, partitions: n, ms, rate, ideal, used } };
      } finally {
        await many.stop();
      }
    } finally {
      redis.disconnect();
      await client.end();
    }
    return { table, figures, notes, raw };
  },
};
