// Latency: a job of one no-op partition from submit to `succeeded` as a client sees it (GET /jobs/:id?wait=), one job
// after another, and where the time goes: submit, queue pick-up, the partition, the fan-in, the answer.
import type { JobView } from '@partita/contracts';
import { fmt, median, type Suite } from '../suite.js';

const TARGET_P50_MS = 50;

/** The phases of one job, in ms. */
interface Sample {
  total: number;
  submit: number;
  pickUp: number;
  partition: number;
  fanIn: number;
  answer: number;
}

/** The p-th percentile (0..1) of measurements. */
function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function sample(job: JobView, t0: number, submitted: number, seen: number): Sample {
  const p = job.partitions[0]!;
  const at = (iso: string | null) => Date.parse(iso!) - performance.timeOrigin;
  return {
    total: seen - t0,
    submit: submitted - t0,
    pickUp: at(p.startedAt) - submitted,
    partition: at(p.finishedAt) - at(p.startedAt),
    fanIn: at(job.finishedAt) - at(p.finishedAt),
    answer: seen - at(job.finishedAt),
  };
}

export const latency: Suite = {
  name: 'latency',
  title: 'Latency: a one-partition no-op job, submit to succeeded',

  async run(ctx) {
    const jobs = ctx.quick ? 30 : 100;
    const stack = await ctx.startStack({ workers: 1, workerEnv: { WORKER_CONCURRENCY: '8', WORKER_KINDS: 'noop' } });
    const samples: Sample[] = [];
    try {
      const spec = { kind: 'noop', partitions: 1, output: { container: stack.container } };
      // Warm-up: connections, code paths and the first files of the container.
      for (let i = 0; i < 10; i++) await stack.waitForJob(await stack.submit(spec));
      for (let i = 0; i < jobs; i++) {
        const t0 = performance.now();
        const id = await stack.submit(spec);
        const submitted = performance.now();
        const job = await stack.waitForJob(id);
        samples.push(sample(job, t0, submitted, performance.now()));
      }
    } finally {
      await stack.stop();
    }
    const phase = (k: keyof Sample) => median(samples.map((s) => s[k]));
    const p50 = phase('total');
    const p90 = percentile(
      samples.map((s) => s.total),
      0.9,
    );
    ctx.log(`latency: p50 ${fmt(p50)} ms, p90 ${fmt(p90)} ms over ${jobs} jobs`);
    return {
      table: [
        ['phase', 'median (ms)'],
        ['submit: POST /jobs answered (plan, catalog, enqueue)', fmt(phase('submit'))],
        ['queue: answered → partition started (pick-up, start recorded)', fmt(phase('pickUp'))],
        ['partition: started → ended (run, end recorded)', fmt(phase('partition'))],
        ['fan-in: partition ended → the job’s end stamped (finalize queue, job read)', fmt(phase('fanIn'))],
        [
          'answer: end stamped → client has it (manifest and dataset written, commit, notification, GET /jobs/:id?wait=)',
          fmt(phase('answer')),
        ],
        ['total p50 / p90', `${fmt(p50)} / ${fmt(p90)}`],
      ],
      figures: [
        {
          id: 'latency.p50',
          label: 'one-partition no-op job, submit → succeeded, p50',
          value: p50,
          unit: 'ms',
          target: { op: '<=', value: TARGET_P50_MS },
        },
        { id: 'latency.p90', label: 'one-partition no-op job, submit → succeeded, p90', value: p90, unit: 'ms' },
      ],
      notes: [
        `${jobs} jobs of one no-op partition, one after another, after 10 warm-up jobs; one worker (WORKER_CONCURRENCY 8). ` +
          'The client submits, then asks GET /jobs/:id?wait=25, which the master answers when the catalog announces the ' +
          'job’s end. Phases from the job’s own timestamps (master and worker clocks are this machine’s) and the client’s.',
      ],
      raw: samples,
    };
  },
};
