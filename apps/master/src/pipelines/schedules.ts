import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { PIPELINE_RUNS_QUEUE, type Schedule } from '@partita/contracts';
import { closeStarted } from '@partita/queue';
import type { Logger } from '@partita/telemetry';

interface Firing {
  pipeline: string;
}

/** Kept of the scheduler's finished firings: enough to look into, bounded in Redis. */
const KEEP = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

/**
 * Pipeline schedules as BullMQ job schedulers, one per scheduled pipeline (its id is the pipeline's name), feeding the
 * `pipeline-runs` queue that every master consumes: each firing is taken by one master. The catalog holds the
 * schedules; these schedulers mirror it (`sync`), so a Redis that lost its data gets them back.
 */
export class PipelineSchedules {
  readonly queue: Queue<Firing>;
  private worker: Worker<Firing> | undefined;

  constructor(private readonly options: { producer: ConnectionOptions; consumer: ConnectionOptions; prefix: string; log: Logger }) {
    this.queue = new Queue<Firing>(PIPELINE_RUNS_QUEUE, { connection: options.producer, prefix: options.prefix });
  }

  /** Starts taking firings: `fire` gets the pipeline and the firing's id (the same on a second delivery). */
  start(fire: (pipeline: string, firingId: string) => Promise<void>): void {
    this.worker = new Worker<Firing>(PIPELINE_RUNS_QUEUE, async (job) => fire(job.data.pipeline, job.id ?? job.name), {
      connection: this.options.consumer,
      prefix: this.options.prefix,
      concurrency: 2,
    });
    this.worker.on('error', (err) => this.options.log.error({ err }, 'pipeline schedule queue error'));
    this.worker.on('failed', (job, err) => this.options.log.warn({ err, pipeline: job?.data.pipeline }, 'scheduled run failed to start'));
  }

  /** Makes a pipeline's scheduler match its schedule: created, changed, or removed for null. */
  async set(pipeline: string, schedule: Schedule | null): Promise<void> {
    if (schedule === null) {
      await this.queue.removeJobScheduler(pipeline);
      return;
    }
    await this.queue.upsertJobScheduler(
      pipeline,
      { pattern: schedule.cron, tz: schedule.timezone },
      { name: 'run', data: { pipeline }, opts: KEEP },
    );
  }

  /** Makes the schedulers match the catalog's schedules: missing or different ones set, others removed. */
  async sync(wanted: ReadonlyMap<string, Schedule>): Promise<void> {
    const existing = new Map((await this.queue.getJobSchedulers()).map((s) => [s.key, s]));
    for (const [pipeline, schedule] of wanted) {
      const current = existing.get(pipeline);
      if (!current || current.pattern !== schedule.cron || (current.tz ?? 'UTC') !== schedule.timezone) await this.set(pipeline, schedule);
    }
    for (const key of existing.keys()) if (!wanted.has(key)) await this.queue.removeJobScheduler(key);
  }

  /** When each scheduled pipeline fires next (ms since the epoch), by name. */
  async nextRuns(): Promise<Map<string, number>> {
    const schedulers = await this.queue.getJobSchedulers();
    return new Map(schedulers.flatMap((s) => (s.next === undefined ? [] : [[s.key, s.next] as const])));
  }

  async close(): Promise<void> {
    await closeStarted(this.worker);
    await closeStarted(this.queue);
  }
}
