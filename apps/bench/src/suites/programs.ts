// Programs: the example Python programs (a scikit-learn grid search, group travel planning) run in one process and
// through Partita's program kind with 1 and 2 workers; efficiency, and what the program protocol costs per partition.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LOCAL_READER_ROLE, ensureReaderRole } from '@partita/extract';
import { readPrograms, type Program } from '@partita/kind-program';
import { readParquet } from '@partita/parquet';
import { createAzureBlobStore, type BlobStore } from '@partita/storage';
import { runInOneProcess, type OneProcessRun } from '../programs/one-process.js';
import { loadTrips, tripLines } from '../programs/trips.js';
import type { BenchStack } from '../stack.js';
import { fmt, median, type Figure, type Suite } from '../suite.js';
import { jobTiming, type JobTiming } from '../travel/job-timing.js';
import { stopAll } from '../travel/travel-stack.js';

const PROGRAMS = fileURLToPath(new URL('../../../../examples/programs/programs.yaml', import.meta.url));
const SCHEMA = 'partita_bench_programs';
const COUNTS = [1, 2] as const;

/** One workload: the job's spec (without its output) and the same work in one process. */
interface Workload {
  name: string;
  describe: string;
  spec: Record<string, unknown>;
  /** Identifies a row, so that the runs' rows can be compared. */
  key: (row: Record<string, unknown>) => string;
  alone(): Promise<OneProcessRun>;
}

interface Round {
  alone: number;
  partita: Record<number, JobTiming>;
}

/** Rows without the columns that time the run, integers as numbers, in key order. */
function comparable(rows: readonly Record<string, unknown>[], key: Workload['key']): string {
  const clean = rows.map((r) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([k]) => !k.endsWith('_seconds'))
        .map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
    ),
  );
  return JSON.stringify(clean.sort((a, b) => key(a).localeCompare(key(b))));
}

async function jobRows(store: BlobStore, stack: BenchStack, id: string): Promise<{ timing: JobTiming; rows: Record<string, unknown>[] }> {
  const job = await stack.waitForJob(id, { timeoutMs: 30 * 60_000 });
  const rows: Record<string, unknown>[] = [];
  for (const file of job.partitions.flatMap((p) => p.files))
    rows.push(...(await readParquet(await store.get(job.output.container, file.path))).rows);
  return { timing: jobTiming(job), rows };
}

function workloads(quick: boolean, registry: { require(name: string): Program }, trips: { view: string; lines: string[] }): Workload[] {
  const grid = quick ? { C: [1, 10], gamma: [0.0005, 0.001] } : { C: [1, 10, 100], gamma: [0.0001, 0.0005, 0.001, 0.002] };
  const folds = quick ? 3 : 5;
  const travel = { generations: quick ? 300 : 2000, seed: 1 };
  return [
    {
      name: 'grid-search',
      describe:
        `scikit-learn grid search: SVC on the digits dataset, ${Object.values(grid).reduce((n, v) => n * v.length, 1)} parameter ` +
        `sets (C × gamma) × ${folds}-fold cross-validation, one unit per set`,
      spec: { kind: 'program', program: 'grid-search', params: { folds }, input: { grid }, partitions: 4 },
      key: (r) => `${String(r['c']).padStart(8)} ${String(r['gamma']).padStart(8)}`,
      alone: () => runInOneProcess(registry.require('grid-search'), { args: ['--grid', JSON.stringify(grid), '--folds', String(folds)] }),
    },
    {
      name: 'travel-ga',
      describe:
        `travel planning in Python: 8 generated groups of 7 travellers read from PostgreSQL with groupsOf, a genetic ` +
        `algorithm of ${travel.generations.toLocaleString('en')} generations per group`,
      spec: {
        kind: 'program',
        program: 'travel-ga',
        params: travel,
        input: { groupsOf: { table: trips.view, by: ['group_id'] } },
        partitions: 4,
      },
      key: (r) => String(r['group_id']).padStart(8),
      alone: () => runInOneProcess(registry.require('travel-ga'), { params: travel, inputLines: trips.lines }),
    },
  ];
}

export const programs: Suite = {
  name: 'programs',
  title: 'Programs: Python per-partition logic, one process vs Partita with 1 and 2 workers',

  async run(ctx) {
    const registry = readPrograms(PROGRAMS);
    const store = createAzureBlobStore({ connectionString: ctx.azureConnectionString });
    const admin = new pg.Client({ connectionString: ctx.databaseUrl });
    await admin.connect();
    const stacks: BenchStack[] = [];
    const results: { work: Workload; rounds: Round[] }[] = [];
    try {
      await admin.query(`drop schema if exists ${SCHEMA} cascade`);
      await admin.query(`create schema ${SCHEMA}`);
      await ensureReaderRole(admin, LOCAL_READER_ROLE, [SCHEMA]);
      const view = await loadTrips(admin, SCHEMA, { groups: 8, size: 7, seed: 11 });
      const works = workloads(ctx.quick, registry, { view, lines: await tripLines(admin, view) });
      const env = { PARTITA_PROGRAMS: PROGRAMS };
      for (const n of COUNTS) {
        ctx.log(`programs: starting ${n} worker(s)`);
        const stack = await ctx.startStack({
          workers: n,
          masterEnv: env,
          workerEnv: { ...env, WORKER_CONCURRENCY: '1', WORKER_KINDS: 'program' },
        });
        stacks.push(stack);
        // Warm-up: every worker has run a partition (and Python has its files in the page cache).
        await stack.waitForJob(
          await stack.submit({
            ...works[1]!.spec,
            params: { generations: 1 },
            partitions: n,
            output: { container: stack.container, prefix: 'warm-up' },
          }),
        );
      }
      for (const work of works) {
        const rounds: Round[] = [];
        for (let r = 1; r <= ctx.repeat; r++) {
          const alone = await work.alone();
          const expected = comparable(alone.rows, work.key);
          const round: Round = { alone: alone.ms, partita: {} };
          for (const [i, n] of COUNTS.entries()) {
            const stack = stacks[i]!;
            const id = await stack.submit({ ...work.spec, output: { container: stack.container, prefix: `${work.name}/round-${r}` } });
            const { timing, rows } = await jobRows(store, stack, id);
            if (comparable(rows, work.key) !== expected)
              throw new Error(`${work.name}: ${n} worker(s) gave other rows than one process (job ${id})`);
            round.partita[n] = timing;
          }
          ctx.log(
            `programs ${work.name} round ${r}: one process ${Math.round(alone.ms)} ms, ` +
              COUNTS.map((n) => `${n} worker(s) ${Math.round(round.partita[n]!.wallMs)} ms`).join(', '),
          );
          rounds.push(round);
        }
        results.push({ work, rounds });
      }
    } finally {
      await stopAll(stacks);
      await admin.query(`drop schema if exists ${SCHEMA} cascade`).finally(() => admin.end());
    }

    const table = [
      ['workload', 'run', 'time (ms)', 'speed-up', 'efficiency', 'Σ partition runs / one process', 'protocol cost per partition (ms)'],
    ];
    const figures: Figure[] = [];
    for (const { work, rounds } of results) {
      const alone = median(rounds.map((r) => r.alone));
      table.push([work.name, 'one process', fmt(alone), '1×', '–', '–', '–']);
      for (const n of COUNTS) {
        const speedup = median(rounds.map((r) => r.alone / r.partita[n]!.wallMs));
        const work1 = median(rounds.map((r) => r.partita[n]!.runTotalMs / r.alone));
        const perPartition = median(rounds.map((r) => (r.partita[n]!.runTotalMs - r.alone) / r.partita[n]!.partitions));
        table.push([
          work.name,
          `Partita, ${n} worker(s)`,
          fmt(median(rounds.map((r) => r.partita[n]!.wallMs))),
          `${fmt(speedup)}×`,
          fmt(speedup / n),
          fmt(work1),
          fmt(perPartition),
        ]);
        figures.push(
          { id: `programs.${work.name}.efficiency.${n}`, label: `${work.name}: efficiency, ${n} worker(s)`, value: speedup / n, unit: '' },
          {
            id: `programs.${work.name}.work-ratio.${n}`,
            label: `${work.name}: Σ partition runs / one process, ${n} worker(s)`,
            value: work1,
            unit: '',
          },
          {
            id: `programs.${work.name}.protocol-ms.${n}`,
            label: `${work.name}: protocol cost per partition, ${n} worker(s)`,
            value: perPartition,
            unit: 'ms',
          },
        );
      }
    }
    return {
      table,
      figures,
      notes: [
        ...results.map(({ work }) => `${work.name}: ${work.describe}; 4 partitions.`),
        'One process: the same Python program started once for the whole input (the grid search with its own command line, ' +
          'the travel planner on one input file holding every group), timed from its start to its exit (interpreter start and ' +
          'imports included, as they are for every partition). Every Partita run made exactly its rows (timing columns aside).',
        'Partita: the job’s wall time from submit to its end as the master reports it; each worker is one process with ' +
          'WORKER_CONCURRENCY=1 on one core. "Σ partition runs / one process" is the work as the workers spent it against ' +
          'the one-process run; "protocol cost per partition" = (Σ partition runs − one process) / partitions: starting ' +
          'Python and importing its libraries again in every partition (scikit-learn and pandas take about a second), ' +
          'writing the input file, reading the output lines and writing the Parquet file.',
        'With 2 workers on a 2-core machine the master, PostgreSQL, Redis and Azurite share the cores with the programs.',
        ...(ctx.quick ? ['Quick run: smaller grid, 300 generations, one round.'] : []),
      ],
      raw: results.map(({ work, rounds }) => ({ workload: work.name, spec: work.spec, rounds })),
    };
  },
};
