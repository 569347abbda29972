import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric Partita exports, named by Prometheus's conventions: `partita_` prefix, base units
 * (seconds, bytes), `_total` for counters. Master and workers each build their own set on their own registry; both
 * registries carry Node's default process metrics (`process_*`, `nodejs_*`) under their usual names.
 * The Grafana dashboard (`deploy/grafana`) and the autoscaler read these names: a test checks every panel against them.
 */

/** Job outcomes as counted by `partita_jobs_finished_total`. */
export const JOB_OUTCOMES = ['succeeded', 'failed', 'cancelled'] as const;
/** Queue states as reported by `partita_queue_jobs`; `waiting` counts every message ready or waiting its turn to run. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Partition run times: 10 ms to ~1.5 h. */
const RUN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 5400];
/** Queue waits: 1 ms to 1 h. */
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** Job wall times: 100 ms to 12 h. */
const JOB_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21600, 43200];

function registry(): Registry {
  const r = new Registry();
  collectDefaultMetrics({ register: r });
  return r;
}

export type QueueDepths = Record<string, Record<QueueState, number>>;

export interface MasterMetrics {
  registry: Registry;
  jobsSubmitted: Counter<'kind'>;
  jobsFinished: Counter<'kind' | 'outcome'>;
  jobDuration: Histogram<'kind' | 'outcome'>;
  jobSpeedup: Gauge<'kind'>;
  jobEfficiency: Gauge<'kind'>;
  pipelineRuns: Counter<'trigger'>;
  pipelineRunsSkipped: Counter;
}

/**
 * The master's metrics. `queueDepths` is read at every scrape (one round trip per queue), so the depth is never
 * older than the scrape.
 */
export function createMasterMetrics(options: { kinds: readonly string[]; queueDepths: () => Promise<QueueDepths> }): MasterMetrics {
  const r = registry();
  const jobsSubmitted = new Counter({
    name: 'partita_jobs_submitted_total',
    help: 'Jobs accepted by the API (recorded and enqueued), by kind.',
    labelNames: ['kind'],
    registers: [r],
  });
  const jobsFinished = new Counter({
    name: 'partita_jobs_finished_total',
    help: 'Jobs ended, by kind and outcome (succeeded, failed, cancelled).',
    labelNames: ['kind', 'outcome'],
    registers: [r],
  });
  const jobDuration = new Histogram({
    name: 'partita_job_duration_seconds',
    help: 'Wall time of ended jobs, from submission to the end, by kind and outcome.',
    labelNames: ['kind', 'outcome'],
    buckets: JOB_BUCKETS,
    registers: [r],
  });
  const jobSpeedup = new Gauge({
    name: 'partita_job_speedup_ratio',
    help: 'Speed-up of the last succeeded job of each kind: summed partition run time / wall time.',
    labelNames: ['kind'],
    registers: [r],
  });
  const jobEfficiency = new Gauge({
    name: 'partita_job_efficiency_ratio',
    help: 'Efficiency of the last succeeded job of each kind: speed-up / workers that ran it.',
    labelNames: ['kind'],
    registers: [r],
  });
  new Gauge({
    name: 'partita_queue_jobs',
    help: 'Messages on each queue by state: waiting (ready, prioritised, paused or waiting for children), active, delayed (retries in backoff), failed.',
    labelNames: ['queue', 'state'],
    registers: [r],
    async collect() {
      const depths = await options.queueDepths();
      this.reset();
      for (const [queue, states] of Object.entries(depths)) {
        for (const state of QUEUE_STATES) this.set({ queue, state }, states[state]);
      }
    },
  });
  // Every series exists from the start (at zero), histograms too, so that rate() and increase() see the first event.
  for (const kind of options.kinds) {
    jobsSubmitted.inc({ kind }, 0);
    for (const outcome of JOB_OUTCOMES) {
      jobsFinished.inc({ kind, outcome }, 0);
      jobDuration.zero({ kind, outcome });
    }
  }
  const pipelineRuns = new Counter({
    name: 'partita_pipeline_runs_total',
    help: 'Pipeline runs started, by trigger (manual or schedule).',
    labelNames: ['trigger'],
    registers: [r],
  });
  for (const trigger of ['manual', 'schedule']) pipelineRuns.inc({ trigger }, 0);
  const pipelineRunsSkipped = new Counter({
    name: 'partita_pipeline_runs_skipped_total',
    help: "Scheduled firings skipped because the pipeline's previous run had not ended.",
    registers: [r],
  });
  return { registry: r, jobsSubmitted, jobsFinished, jobDuration, jobSpeedup, jobEfficiency, pipelineRuns, pipelineRunsSkipped };
}

export interface WorkerMetrics {
  registry: Registry;
  partitionsStarted: Counter<'kind'>;
  partitionsFinished: Counter<'kind' | 'outcome'>;
  partitionsRetried: Counter<'kind'>;
  partitionRun: Histogram<'kind'>;
  partitionQueueWait: Histogram<'kind'>;
  rowsWritten: Counter<'kind'>;
  bytesWritten: Counter<'kind'>;
  /** Call when a partition starts running; call the returned function when it ends, however it ends. */
  occupySlot(): () => void;
}

/** A worker's metrics; `slots` is how many partitions it can run at once. */
export function createWorkerMetrics(options: { kinds: readonly string[]; slots: number }): WorkerMetrics {
  const r = registry();
  const partitionsStarted = new Counter({
    name: 'partita_partitions_started_total',
    help: 'Partition attempts started, by kind.',
    labelNames: ['kind'],
    registers: [r],
  });
  const partitionsFinished = new Counter({
    name: 'partita_partitions_finished_total',
    help: 'Partitions ended, by kind and outcome: succeeded, or failed for good (attempts spent or an error a retry cannot cure).',
    labelNames: ['kind', 'outcome'],
    registers: [r],
  });
  const partitionsRetried = new Counter({
    name: 'partita_partitions_retried_total',
    help: 'Partition attempts that failed and will be retried, by kind.',
    labelNames: ['kind'],
    registers: [r],
  });
  const partitionRun = new Histogram({
    name: 'partita_partition_run_seconds',
    help: 'Run time of succeeded partition attempts, by kind.',
    labelNames: ['kind'],
    buckets: RUN_BUCKETS,
    registers: [r],
  });
  const partitionQueueWait = new Histogram({
    name: 'partita_partition_queue_wait_seconds',
    help: 'Time from a partition message becoming ready on the queue to a worker starting it, by kind.',
    labelNames: ['kind'],
    buckets: WAIT_BUCKETS,
    registers: [r],
  });
  const rowsWritten = new Counter({
    name: 'partita_rows_written_total',
    help: 'Rows written to Parquet by succeeded partitions, by kind.',
    labelNames: ['kind'],
    registers: [r],
  });
  const bytesWritten = new Counter({
    name: 'partita_bytes_written_total',
    help: 'Bytes of Parquet written by succeeded partitions, by kind.',
    labelNames: ['kind'],
    registers: [r],
  });
  const slots = new Gauge({
    name: 'partita_worker_slots',
    help: 'Partition slots of this worker by state: busy (running a partition) or idle.',
    labelNames: ['state'],
    registers: [r],
  });
  let busy = 0;
  const setSlots = () => {
    slots.set({ state: 'busy' }, busy);
    slots.set({ state: 'idle' }, Math.max(0, options.slots - busy));
  };
  setSlots();
  for (const kind of options.kinds) {
    partitionsStarted.inc({ kind }, 0);
    partitionsRetried.inc({ kind }, 0);
    for (const outcome of ['succeeded', 'failed']) partitionsFinished.inc({ kind, outcome }, 0);
    rowsWritten.inc({ kind }, 0);
    bytesWritten.inc({ kind }, 0);
    partitionRun.zero({ kind });
    partitionQueueWait.zero({ kind });
  }
  return {
    registry: r,
    partitionsStarted,
    partitionsFinished,
    partitionsRetried,
    partitionRun,
    partitionQueueWait,
    rowsWritten,
    bytesWritten,
    occupySlot() {
      busy++;
      setSlots();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        busy--;
        setSlots();
      };
    },
  };
}
