#!/usr/bin/env node
// npm run bench [-- --rows N --repeat R --only a,b --keep]: the extract benchmark. Every variant runs in a child
// process of its own (its peak RSS is its own), interleaved with the others in each round; medians are reported.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startAzurite } from '@partita/azurite';
import { BENCH_SCHEMA, ensureBenchTable } from './extract-table.js';
import { DESCRIPTIONS, VARIANTS, runVariant, type Variant, type VariantResult } from './extract-variants.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** parquetjs-lite takes ~20x longer than the rest: one round unless asked. */
const SLOW: readonly Variant[] = ['parquetjs-lite'];

async function child(variant: Variant): Promise<void> {
  const azure = process.env['AZURE_STORAGE_CONNECTION_STRING'];
  const result = await runVariant(variant, { databaseUrl: DATABASE_URL, ...(azure ? { azure } : {}) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(variant: Variant, env: Record<string, string>): Promise<VariantResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', variant], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${variant} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as VariantResult);
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      rows: { type: 'string', default: '2000000' },
      repeat: { type: 'string', default: '3' },
      only: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  if (values.child) return child(values.child as Variant);

  const rows = Number(values.rows);
  const repeat = Number(values.repeat);
  const variants = values.only ? (values.only.split(',') as Variant[]) : [...VARIANTS];
  for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}; one of ${VARIANTS.join(', ')}`);

  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const azurite = await startAzurite({ inMemory: true });
  try {
    process.stdout.write(`extract benchmark: ${rows.toLocaleString('en')} rows, ${repeat} rounds\n`);
    const t = await ensureBenchTable(client, rows);
    process.stdout.write(`table ${t.created ? 'generated' : 'reused'}: ${(t.bytes / 2 ** 20).toFixed(0)} MiB on disk\n`);
    const results = new Map<Variant, VariantResult[]>(variants.map((v) => [v, []]));
    for (let round = 0; round < repeat; round++) {
      for (const v of variants) {
        if (round > 0 && SLOW.includes(v)) continue;
        const r = await runChild(v, { DATABASE_URL, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString });
        if (r.rows !== rows) throw new Error(`${v} read ${r.rows} rows, expected ${rows}`);
        results.get(v)!.push(r);
        process.stdout.write(`  round ${round + 1} ${v}: ${(r.ms / 1000).toFixed(2)} s, ${r.maxRssMb.toFixed(0)} MB RSS\n`);
      }
    }
    const limit = results.get('copy-binary');
    const limitMs = limit && limit.length > 0 ? median(limit.map((r) => r.ms)) : null;
    process.stdout.write(
      '\n| variant | median s | rows/s | time vs COPY binary | peak RSS MB | output MB | runs |\n|---|---|---|---|---|---|---|\n',
    );
    for (const v of variants) {
      const rs = results.get(v)!;
      const ms = median(rs.map((r) => r.ms));
      const ratio = limitMs ? `${(ms / limitMs).toFixed(2)}×` : '—';
      process.stdout.write(
        `| ${v} | ${(ms / 1000).toFixed(2)} | ${Math.round((rows * 1000) / ms).toLocaleString('en')} | ${ratio} | ` +
          `${Math.max(...rs.map((r) => r.maxRssMb)).toFixed(0)} | ${(median(rs.map((r) => r.bytes)) / 2 ** 20).toFixed(1)} | ${rs.length} |\n`,
      );
    }
    process.stdout.write('\n');
    for (const v of variants) process.stdout.write(`${v}: ${DESCRIPTIONS[v]}\n`);
  } finally {
    if (!values.keep) await client.query(`drop schema if exists ${BENCH_SCHEMA} cascade`);
    await client.end();
    await azurite.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
