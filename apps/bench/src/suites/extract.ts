// Extract throughput and memory of one worker: Partita's chunk path into Azurite against the read limit (binary COPY
// to nowhere) and the parquetjs-lite script it replaces, each read in a process of its own, interleaved per round.
import pg from 'pg';
import { runChild } from '../child.js';
import { cpuBetween, cpuSnapshot } from '../cpu-time.js';
import { runExtractJob, type JobMeasurement } from '../extract/job.js';
import {
  VARIANTS,
  extrapolateMs,
  schedule,
  summarise,
  type Measurement,
  type ServerCpu,
  type Step,
  type Summary,
  type VariantLimit,
} from '../extract/method.js';
import { BENCH_SCHEMA, createBenchSchema, dropBenchSchema, generateBenchTable } from '../extract/table.js';
import { DESCRIPTIONS, readTable, type ReadTask } from '../extract/variants.js';
import { fmt, type BenchContext, type Figure, type Suite, type SuiteResult } from '../suite.js';

const FULL_SIZES = [2_000_000, 10_000_000];
const QUICK_SIZES = [300_000];
/**
 * Within the suite's budget: parquetjs-lite takes about 20 times as long as the worker path (one round, not above
 * 2M rows); the worker path to nowhere, which tells the upload's cost from the decoding and writing, runs at 2M only.
 */
const SLOW = { variant: 'parquetjs-lite', maxRows: 2_000_000, rounds: 1 } as const;
const TO_NOWHERE = { variant: 'partita', maxRows: 2_000_000 } as const;
const LIMITS: readonly VariantLimit[] = [SLOW, TO_NOWHERE];
const ROWS_TARGET = 1_000_000;
const RSS_TARGET_MB = 300;
/** The extract's time into Azurite over the read limit's, binary COPY to nowhere. */
const COPY_RATIO_TARGET = 1.3;
const MIB = 2 ** 20;

const rowsText = (rows: number): string => rows.toLocaleString('en');

async function run(ctx: BenchContext): Promise<SuiteResult> {
  const sizes = ctx.quick ? QUICK_SIZES : FULL_SIZES;
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    await createBenchSchema(client);
    const g0 = performance.now();
    const tables = await Promise.all(sizes.map((rows) => generateBenchTable(ctx.databaseUrl, rows)));
    const generateS = (performance.now() - g0) / 1000;
    const sourceBytes = new Map(sizes.map((rows, i) => [rows, tables[i]!.bytes]));
    ctx.log(
      `generated ${sizes.map((rows) => `${rowsText(rows)} rows (${fmt(sourceBytes.get(rows)! / MIB)} MiB)`).join(', ')} in ${fmt(generateS)} s`,
    );

    const results: Array<Step & Measurement & ServerCpu> = [];
    const env = { DATABASE_URL: ctx.databaseUrl, AZURE_STORAGE_CONNECTION_STRING: ctx.azureConnectionString };
    for (const step of schedule({ sizes, rounds: ctx.repeat, variants: VARIANTS, limits: LIMITS })) {
      const task: ReadTask = { variant: step.variant, table: tables[sizes.indexOf(step.rows)]!.table };
      const cpu0 = cpuSnapshot();
      const m = await runChild<Measurement>('extract', JSON.stringify(task), env);
      const azuriteCpuMs = cpuBetween(cpu0, cpuSnapshot())['azurite'] ?? 0;
      if (m.rows !== step.rows) throw new Error(`${step.variant} read ${m.rows} rows of ${task.table}, which holds ${step.rows}`);
      results.push({ ...step, ...m, azuriteCpuMs });
      ctx.log(`${rowsText(step.rows)} rows, round ${step.round}, ${step.variant}: ${fmt(m.ms / 1000)} s, ${fmt(m.peakRssMb)} MiB peak RSS`);
    }

    const jobRows = sizes[0]!;
    const job = await runExtractJob(ctx, tables[0]!.table, jobRows);
    ctx.log(`sql-extract job, ${rowsText(jobRows)} rows, 1 worker: ${fmt(job.wallMs / 1000)} s wall, chunk ${fmt(job.runMs / 1000)} s`);

    const summaries = summarise(results, sourceBytes);
    return {
      table: toTable(summaries, job, sourceBytes),
      figures: toFigures(summaries, job, sizes),
      notes: toNotes(summaries, sizes, generateS, ctx.repeat),
      raw: { sizes, sourceBytes: Object.fromEntries(sourceBytes), generateS, results, job },
    };
  } finally {
    await dropBenchSchema(client);
    await client.end();
  }
}

function toTable(summaries: Summary[], job: JobMeasurement, sourceBytes: ReadonlyMap<number, number>): string[][] {
  const table = [
    [
      'rows',
      'variant',
      'runs',
      'median s',
      'rows/s',
      'source MB/s',
      'output MB',
      'time vs COPY binary',
      'peak RSS MB',
      'CPU s: reader / PostgreSQL / Azurite',
    ],
  ];
  for (const s of summaries) {
    table.push([
      rowsText(s.rows),
      s.variant,
      String(s.runs),
      fmt(s.medianMs / 1000),
      fmt(s.rowsPerS),
      fmt(s.sourceMbPerS),
      fmt(s.outputMb),
      s.vsLimit === null ? '—' : `${fmt(s.vsLimit)}×`,
      fmt(s.peakRssMb),
      [s.cpuMs.reader, s.cpuMs.postgresql, s.cpuMs.azurite].map((ms) => (ms === null ? '?' : fmt(ms / 1000))).join(' / '),
    ]);
  }
  const limit = summaries.find((s) => s.rows === job.rows && s.variant === 'copy-binary');
  table.push([
    rowsText(job.rows),
    'sql-extract job, 1 worker (wall)',
    '1',
    fmt(job.wallMs / 1000),
    fmt((job.rows * 1000) / job.wallMs),
    fmt((sourceBytes.get(job.rows)! / MIB) * (1000 / job.wallMs)),
    fmt(job.bytes / MIB),
    limit ? `${fmt(job.wallMs / limit.medianMs)}×` : '—',
    '—',
    '—',
  ]);
  return table;
}

function toFigures(summaries: Summary[], job: JobMeasurement, sizes: readonly number[]): Figure[] {
  const at = (variant: string, rows: number) => summaries.find((s) => s.variant === variant && s.rows === rows);
  const figures: Figure[] = [];
  for (const rows of sizes) {
    const s = at('partita-azurite', rows)!;
    figures.push(
      {
        id: `extract.partita-azurite.rowsPerS.${rows}`,
        label: `Extract, Partita worker path into Azurite, ${rowsText(rows)} rows: rows/s per worker`,
        value: s.rowsPerS,
        unit: 'rows/s',
        target: { op: '>=', value: ROWS_TARGET },
      },
      {
        id: `extract.partita-azurite.peakRssMb.${rows}`,
        label: `Extract, Partita worker path into Azurite, ${rowsText(rows)} rows: peak RSS`,
        value: s.peakRssMb,
        unit: 'MB',
        target: { op: '<=', value: RSS_TARGET_MB },
      },
    );
  }
  for (const rows of sizes) {
    figures.push({
      id: `extract.partita-azurite.vsCopy.${rows}`,
      label: `Partita worker path into Azurite, ${rowsText(rows)} rows: time vs COPY binary to nowhere`,
      value: at('partita-azurite', rows)!.vsLimit!,
      unit: '×',
      target: { op: '<=', value: COPY_RATIO_TARGET },
    });
  }
  const [small, large] = [sizes[0]!, sizes[sizes.length - 1]!];
  if (large !== small) {
    figures.push({
      id: 'extract.partita-azurite.rssRatio',
      label: `Partita worker path into Azurite: peak RSS at ${rowsText(large)} rows / at ${rowsText(small)} rows ("flat" is 1)`,
      value: at('partita-azurite', large)!.peakRssMb / at('partita-azurite', small)!.peakRssMb,
      unit: '×',
    });
  }
  const slow = at(SLOW.variant, small);
  if (slow) {
    figures.push({
      id: `extract.parquetjs-lite.vsPartita.${small}`,
      label: `parquetjs-lite time / Partita worker path into Azurite time, ${rowsText(small)} rows`,
      value: slow.medianMs / at('partita-azurite', small)!.medianMs,
      unit: '×',
    });
  }
  figures.push(
    {
      id: `extract.job.rowsPerS.${job.rows}`,
      label: `Through Partita, 1 worker: sql-extract job of ${rowsText(job.rows)} rows, rows/s over the job's wall time`,
      value: (job.rows * 1000) / job.wallMs,
      unit: 'rows/s',
    },
    {
      id: `extract.job.chunkRowsPerS.${job.rows}`,
      label: `Through Partita, 1 worker: the same job's chunk, rows/s over its run time on the worker`,
      value: (job.rows * 1000) / job.runMs,
      unit: 'rows/s',
    },
  );
  return figures;
}

function toNotes(summaries: Summary[], sizes: readonly number[], generateS: number, rounds: number): string[] {
  const base = summaries.map((s) => s.baseRssMb);
  const notes = [
    `Workload: one table per size (${sizes.map(rowsText).join(' and ')} rows) in schema ${BENCH_SCHEMA}, mixed types (bigint key, ` +
      'timestamptz, date, int, smallint, text, numeric(12,2), a double 20% NULL, an md5 text 33% NULL); unlogged, keyed, vacuumed ' +
      `and analysed; generated at once on one connection each in ${fmt(generateS)} s, dropped at the end. Every read is a whole table, as one extract chunk reads it.`,
    `Method: every read runs in a child process of its own (its peak RSS is its own), the variants interleaved in each of ${rounds} ` +
      'round(s) per size; medians reported. Peak RSS is the highest of the rounds and includes the process before reading ' +
      `(Node and the modules loaded: ${fmt(Math.min(...base))}–${fmt(Math.max(...base))} MB).`,
    'MB are MiB. source MB/s = the table’s pg_table_size / median time, comparable across variants; output MB = the Parquet ' +
      'files (for COPY binary: the bytes of the COPY stream). time vs COPY binary = median time / COPY binary’s median time at the same size.',
    ...VARIANTS.map((v) => `${v}: ${DESCRIPTIONS[v]}.`),
    'Azurite runs in memory on the same machine: its CPU counts against the worker path into Azurite.',
    'sql-extract job: one worker (WORKER_CONCURRENCY 1, WORKER_KINDS sql-extract), the smallest table as one chunk; its wall ' +
      'time runs from submit to the job’s end (planning: columns, read-only checks, the exported snapshot; the queue; the chunk; the ' +
      'manifest), the master counting the source rows for the completeness check alongside the chunk.',
  ];
  const small = sizes[0]!;
  const slow = summaries.find((s) => s.variant === SLOW.variant && s.rows === small);
  const skipped = sizes.filter((rows) => rows > SLOW.maxRows);
  if (slow) {
    const at = skipped.map((rows) => `${rowsText(rows)} rows would take about ${fmt(extrapolateMs(slow.medianMs, small, rows) / 1000)} s`);
    notes.push(
      `parquetjs-lite runs ${SLOW.rounds} round, at up to ${rowsText(SLOW.maxRows)} rows` +
        (at.length > 0
          ? `: at its measured ${fmt(slow.rowsPerS)} rows/s one read of ${at.join(', ')} (extrapolated), beyond the suite's budget.`
          : '.'),
    );
  }
  if (sizes.some((rows) => rows > TO_NOWHERE.maxRows)) {
    notes.push(
      `partita (to nowhere) runs at up to ${rowsText(TO_NOWHERE.maxRows)} rows: it tells the upload's cost from the decoding and writing.`,
    );
  }
  return notes;
}

export const extract: Suite = {
  name: 'extract',
  title: 'Extract throughput and memory (one worker)',
  run,
  child: (arg) => {
    const databaseUrl = process.env['DATABASE_URL'];
    const azureConnectionString = process.env['AZURE_STORAGE_CONNECTION_STRING'];
    if (!databaseUrl || !azureConnectionString) throw new Error('an extract read needs DATABASE_URL and AZURE_STORAGE_CONNECTION_STRING');
    return readTable(JSON.parse(arg) as ReadTask, { databaseUrl, azureConnectionString });
  },
};
