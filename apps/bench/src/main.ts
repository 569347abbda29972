#!/usr/bin/env node
// npm run bench [-- --quick] [--workers N] [--repeat R] [--only scaling,dispatch]: every suite side by side in one run,
// results in bench/results/latest.{json,md} (a quick run: quick.{json,md}).
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startAzurite } from '@partita/azurite';
import { writeReport, type RunReport } from './report.js';
import { startBenchStack } from './stack.js';
import type { BenchContext } from './suite.js';
import { SUITES } from './suites/index.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const USAGE = `npm run bench [-- options]
  --quick        small sizes, one round: the whole run in under two minutes (writes bench/results/quick.*)
  --workers N    most worker processes of the scaling and balance suites (default 4 on a machine with 4 cores or
                 more, else 2; the smaller powers of two run too)
  --repeat R     rounds per side-by-side comparison, medians reported (default 3, quick 1)
  --only a,b     only these suites: ${SUITES.map((s) => s.name).join(', ')}
  --out DIR      where the results go (default bench/results)`;

async function child(spec: string): Promise<void> {
  const [name, ...rest] = spec.split(':');
  const suite = SUITES.find((s) => s.name === name);
  if (!suite?.child) throw new Error(`no child work in suite ${name}`);
  process.stdout.write(`${JSON.stringify(await suite.child(rest.join(':')))}\n`);
}

async function machine(): Promise<Record<string, string | number>> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const redis = new Redis(REDIS_URL);
  try {
    const pgVersion = (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
    const info = await redis.info('server');
    return {
      cores: cpus().length,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      'memory GiB': Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgresql: pgVersion,
      redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    };
  } finally {
    await client.end();
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      quick: { type: 'boolean', default: false },
      workers: { type: 'string' },
      repeat: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string', default: 'bench/results' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  if (values.child) return child(values.child);

  const quick = values.quick;
  // Efficiency with 4 workers wherever the machine has the cores for it.
  const workers = Number(values.workers ?? (cpus().length >= 4 ? 4 : 2));
  const repeat = Number(values.repeat ?? (quick ? 1 : 3));
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a positive integer, got ${values.workers}`);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer, got ${values.repeat}`);
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : null;
  for (const name of only ?? []) {
    if (!SUITES.some((s) => s.name === name)) throw new Error(`unknown suite ${name}; one of ${SUITES.map((s) => s.name).join(', ')}`);
  }

  const startedAt = new Date();
  const t0 = performance.now();
  const azurite = await startAzurite({ inMemory: true });
  const env = { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, azureConnectionString: azurite.connectionString };
  const ctx: BenchContext = {
    quick,
    workers,
    repeat,
    ...env,
    log: (line) => process.stdout.write(`${line}\n`),
    startStack: (options) => startBenchStack(env, options),
  };
  const report: RunReport = {
    startedAt: startedAt.toISOString(),
    durationS: 0,
    options: { quick, workers, repeat, only },
    machine: await machine(),
    suites: [],
  };
  let failed = false;
  try {
    for (const suite of SUITES) {
      if (only && !only.includes(suite.name)) continue;
      ctx.log(`\n== ${suite.title}`);
      const s0 = performance.now();
      try {
        const result = await suite.run(ctx);
        report.suites.push({ name: suite.name, title: suite.title, durationS: (performance.now() - s0) / 1000, ...result });
      } catch (err) {
        failed = true;
        ctx.log(`${suite.name} failed: ${(err as Error).stack ?? String(err)}`);
        report.suites.push({
          name: suite.name,
          title: suite.title,
          durationS: (performance.now() - s0) / 1000,
          error: (err as Error).message,
        });
      }
    }
  } finally {
    await azurite.stop();
  }
  report.durationS = (performance.now() - t0) / 1000;
  const out = writeReport(values.out, quick ? 'quick' : 'latest', report);
  ctx.log(`\nresults: ${out.json}, ${out.md} (${Math.round(report.durationS)} s)`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
