// One sql-extract job through a whole deployment (master, queue, one worker taking one chunk at a time): what the
// worker-path measurements come to once planning, the snapshot, the queue and the manifest are added.
import type { SqlExtractSpecInput } from '@partita/contracts';
import type { BenchContext } from '../suite.js';

export interface JobMeasurement {
  rows: number;
  /** Submit to the job's end: planning, the queue, the chunk, the manifest. */
  wallMs: number;
  /** The chunk's run time on the worker. */
  runMs: number;
  /** Parquet bytes written. */
  bytes: number;
}

/** Extracts `table` (expected to hold `rows` rows) as one chunk on one worker and reads the job's timings. */
export async function runExtractJob(ctx: BenchContext, table: string, rows: number): Promise<JobMeasurement> {
  const stack = await ctx.startStack({ workers: 1, workerEnv: { WORKER_CONCURRENCY: '1', WORKER_KINDS: 'sql-extract' } });
  try {
    const spec: SqlExtractSpecInput = {
      kind: 'sql-extract',
      source: { table },
      chunks: { count: 1 },
      output: { container: stack.container, prefix: 'bench' },
      dataset: { name: 'bench-extract' },
    };
    const job = await stack.waitForJob(await stack.submit(spec));
    const partition = job.partitions[0];
    if (job.partitions.length !== 1 || !partition) throw new Error(`expected one chunk, the job has ${job.partitions.length}`);
    if (partition.rows !== rows) throw new Error(`the job wrote ${partition.rows} rows, the table holds ${rows}`);
    if (partition.runMs === null) throw new Error('the chunk has no run time');
    return { rows, wallMs: job.timings.wallMs, runMs: partition.runMs, bytes: partition.bytes ?? 0 };
  } finally {
    await stack.stop();
  }
}
