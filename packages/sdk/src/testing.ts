import { Writable } from 'node:stream';
import type pg from 'pg';
import type { KindLogger, PlanLimits, RunContext } from './context.js';
import { planKind } from './plan.js';
import { exportSnapshot } from '@partita/extract';
import type { Kind } from './kind.js';

/** What one partition did when run in this process. */
export interface PartitionRun {
  index: number;
  /** Rows written with `ctx.write`, in order. */
  rows: Record<string, unknown>[];
  /** Every value passed to `ctx.progress`. */
  progress: number[];
}

export interface RunOptions {
  /** The source database, for kinds that read one. */
  source?: pg.Pool;
  /** Limits of the plan; default: generous ones. */
  limits?: Partial<PlanLimits>;
  /** Aborts the run. */
  signal?: AbortSignal;
  log?: KindLogger;
  /** Runs only the partition of this index. */
  only?: number;
}

const quiet: KindLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Plans a job of `kind` from `spec` (validated as `POST /jobs` would) and runs every partition in this process, in
 * order, with `compute` inline: a kind tested without Redis, a catalog or Blob Storage. Rows are kept in memory.
 */
export async function runJob(kind: Kind, spec: unknown, options: RunOptions = {}): Promise<PartitionRun[]> {
  const parsed: unknown = kind.specSchema.parse({ kind: kind.name, ...(spec as object) });
  const jobId = '00000000-0000-4000-8000-000000000000';
  const signal = options.signal ?? new AbortController().signal;
  const source = () => {
    if (!options.source) throw new Error(`kind ${kind.name} reads a source database: pass options.source`);
    return options.source;
  };
  const plan = await planKind(kind, parsed as Record<string, unknown>, {
    jobId,
    source,
    exportSnapshot: () => exportSnapshot(source()),
    keepSnapshot: () => undefined,
    limits: {
      partitions: 10_000,
      units: 1_000_000,
      rows: Number.MAX_SAFE_INTEGER,
      statementTimeoutMs: 3_600_000,
      planTimeoutMs: 60_000,
      ...options.limits,
    },
    signal,
  });
  try {
    const runs: PartitionRun[] = [];
    for (const { index, units } of plan.partitions) {
      if (options.only !== undefined && index !== options.only) continue;
      const details = plan.details ?? null;
      const opened: unknown = await kind.input.open(units, parsed, { jobId, log: options.log ?? quiet, source, details, signal });
      const run: PartitionRun = { index, rows: [], progress: [] };
      const ctx: RunContext<Record<string, unknown>, unknown, unknown> = {
        jobId,
        index,
        attempt: 1,
        details,
        log: options.log ?? quiet,
        signal,
        progress: (n) => void run.progress.push(n),
        source,
        write: async (rows) => void run.rows.push(...((Array.isArray(rows) ? rows : [rows]) as readonly Record<string, unknown>[])),
        compute: async (task) => {
          if (!kind.compute) throw new Error(`kind ${kind.name} has no compute function`);
          return kind.compute(structuredClone(task));
        },
        openFile: (file) => {
          const body = new Writable({ write: (_chunk, _enc, done) => done() });
          const bytes = 0;
          body.on('pipe', () => undefined);
          const path = `memory/${jobId}/part-${index}-${file}.parquet`;
          return {
            path,
            body,
            uploaded: () =>
              new Promise<{ bytes: number }>((resolve) =>
                body.writableFinished ? resolve({ bytes }) : body.once('finish', () => resolve({ bytes })),
              ),
            abort: async (err) => void body.destroy(err),
          };
        },
      };
      await kind.run({ jobId, index, spec: parsed, ...(opened as object) }, ctx);
      runs.push(run);
    }
    return runs;
  } finally {
    await plan.lease?.release();
  }
}

/** The rows of every partition of `runJob`, in partition order: what the job's dataset holds, in one process. */
export async function runSequentially(kind: Kind, spec: unknown, options: RunOptions = {}): Promise<Record<string, unknown>[]> {
  return (await runJob(kind, spec, options)).flatMap((r) => r.rows);
}

/** Plans a job of `kind` from `spec` and runs partition `index` alone, in this process (see runJob). */
export async function runPartition(kind: Kind, spec: unknown, index: number, options: RunOptions = {}): Promise<PartitionRun> {
  const [run] = await runJob(kind, spec, { ...options, only: index });
  if (!run) throw new RangeError(`the job has no partition ${index}`);
  return run;
}
