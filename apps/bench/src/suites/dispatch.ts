// Dispatch overhead: partitions that do nothing, end to end through Partita (plan, catalog, queue, worker, catalog,
// fan-in), against raw BullMQ (add + process, nothing else) in the same run.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteQueuePrefix } from '@partita/queue';
import { runChild } from '../child.js';
import { cpuBetween, cpuSnapshot } from '../cpu-time.js';
import { fmt, median, type Suite } from '../suite.js';

/** Partitions (messages) in flight per worker process, for both sides. */
const CONCURRENCY = 64;

interface RawResult {
  ms: number;
  addMs: number;
}

interface PartitaResult {
  wallMs: number;
  planMs: number;
  submitMs: number;
  cpuMs: Record<string, number>;
}

/** Raw BullMQ in one process: add `n` messages in bulk, process them with no-op handlers, until the last completes. */
async function rawBullmq(n: number, redisUrl: string): Promise<RawResult> {
  const prefix = `bench-raw-${randomBytes(4).toString('hex')}`;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('raw', { connection, prefix });
  const workerConnection = connection.duplicate();
  let worker: Worker | undefined;
  try {
    let done = 0;
    let finished!: () => void;
    const all = new Promise<void>((resolve) => (finished = resolve));
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
        name: 'raw',
        data: { index: i + k },
        // The options Partita's messages carry: a deterministic id, retries, completed messages kept for an hour.
        opts: { jobId: `raw.${i + k}`, attempts: 3, removeOnComplete: { age: 3600, count: 10_000 } },
      }));
      await queue.addBulk(batch);
    }
    const addMs = performance.now() - t0;
    worker = new Worker('raw', async () => undefined, { connection: workerConnection, prefix, concurrency: CONCURRENCY });
    worker.on('completed', () => {
      if (++done === n) finished();
    });
    await all;
    return { ms: performance.now() - t0, addMs };
  } finally {
    await worker?.close();
    await queue.close();
    await deleteQueuePrefix(connection, prefix);
    connection.disconnect();
    workerConnection.disconnect();
  }
}

export const dispatch: Suite = {
  name: 'dispatch',
  title: 'Dispatch overhead: no-op partitions end to end, against raw BullMQ',
  child: async (arg) => rawBullmq(Number(arg), process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379'),
  async run(ctx) {
    const n = ctx.quick ? 2_000 : 10_000;
    const stack = await ctx.startStack({ workers: 1, workerEnv: { WORKER_CONCURRENCY: String(CONCURRENCY), WORKER_KINDS: 'noop' } });
    const raw: RawResult[] = [];
    const partita: PartitaResult[] = [];
    try {
      // Warm-up: the first job pays for connections and code loading.
      await stack.waitForJob(await stack.submit({ kind: 'noop', partitions: 100, output: { container: stack.container } }));
      for (let round = 0; round < ctx.repeat; round++) {
        const r = await runChild<RawResult>('dispatch', String(n), { REDIS_URL: ctx.redisUrl });
        raw.push(r);
        const before = cpuSnapshot();
        const t0 = performance.now();
        const id = await stack.submit({ kind: 'noop', partitions: n, output: { container: stack.container } });
        const submitMs = performance.now() - t0;
        const job = await stack.waitForJob(id);
        const cpuMs = cpuBetween(before, cpuSnapshot());
        if (job.progress.succeeded !== n) throw new Error(`noop job: ${job.progress.succeeded} of ${n} partitions succeeded`);
        const p = { wallMs: job.timings.wallMs, planMs: job.timings.planMs ?? Number.NaN, submitMs, cpuMs };
        partita.push(p);
        ctx.log(
          `  round ${round + 1}: raw BullMQ ${fmt((n * 1000) / r.ms)}/s, Partita ${fmt((n * 1000) / p.wallMs)}/s ` +
            `(plan+enqueue ${fmt(p.planMs)} ms)`,
        );
      }
    } finally {
      await stack.stop();
    }
    const rawMs = median(raw.map((r) => r.ms));
    const wallMs = median(partita.map((p) => p.wallMs));
    const planMs = median(partita.map((p) => p.planMs));
    const rawRate = (n * 1000) / rawMs;
    const rate = (n * 1000) / wallMs;
    const groups = [...new Set(partita.flatMap((p) => Object.keys(p.cpuMs)))].sort();
    const cpuPer = (g: string) => median(partita.map((p) => p.cpuMs[g] ?? 0)) / n;
    return {
      table: [
        ['path', 'partitions', 'median s', 'partitions/s', 'ms per partition', 'vs raw BullMQ', 'plan + enqueue ms'],
        [
          'raw BullMQ (add + no-op process)',
          fmt(n),
          fmt(rawMs / 1000),
          fmt(rawRate),
          fmt(rawMs / n),
          '1×',
          fmt(median(raw.map((r) => r.addMs))),
        ],
        ['Partita noop job (1 worker)', fmt(n), fmt(wallMs / 1000), fmt(rate), fmt(wallMs / n), `${fmt(rate / rawRate)}×`, fmt(planMs)],
      ],
      figures: [
        { id: 'dispatch.rate', label: 'Partita no-op partitions per second', value: rate, unit: '/s' },
        {
          id: 'dispatch.vsRaw',
          label: 'Partita rate / raw BullMQ rate',
          value: rate / rawRate,
          unit: '×',
          target: { op: '>=', value: 0.5 },
        },
        {
          id: 'dispatch.planMs',
          label: `plan + enqueue of a ${fmt(n)}-partition job`,
          value: planMs,
          unit: 'ms',
          target: { op: '<=', value: 1000 },
        },
        { id: 'dispatch.rawRate', label: 'raw BullMQ messages per second', value: rawRate, unit: '/s' },
        { id: 'dispatch.overheadMs', label: 'Partita wall time per partition', value: wallMs / n, unit: 'ms' },
        ...groups.map((g) => ({ id: `dispatch.cpu.${g}`, label: `CPU per partition: ${g}`, value: cpuPer(g) * 1000, unit: 'µs' })),
      ],
      notes: [
        `${fmt(n)} partitions that do nothing (\`kind: noop\`), one worker process running ${CONCURRENCY} at once; raw BullMQ: the same ` +
          `number of messages with the options Partita's carry, added in bulk and consumed by one BullMQ worker of the same concurrency in one process.`,
        'Partita time: the job wall time the master records, from the request to the finalised job (plan, catalog, queue, worker, ' +
          'catalog, fan-in, manifest); plan + enqueue: from the request until the last partition is on the queue.',
        'CPU per partition: the CPU time each process group spent during the job (from /proc), divided by the partitions; all of ' +
          'it shares the same cores, so it says where the time goes.',
        `Medians of ${ctx.repeat} round(s); raw BullMQ and Partita alternate in each round.`,
      ],
      raw: { raw, partita },
    };
  },
};
