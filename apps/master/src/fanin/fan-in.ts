import { Worker, type ConnectionOptions } from 'bullmq';
import { FINALIZE_QUEUE } from '@partita/contracts';
import { closeStarted } from '@partita/queue';
import { finalizeJob, type FinalizerDeps } from './finalizer.js';

export interface FanInOptions extends FinalizerDeps {
  connection: ConnectionOptions;
  prefix: string;
  /** Sweep interval of the catalog for jobs whose last partition ended without a finalise message. */
  intervalMs: number;
  /** Run at the start of every sweep: makes the queue agree with the catalog (see recovery/queue-recovery.ts). */
  recover?: () => Promise<void>;
}

/**
 * Runs the fan-in: finalises jobs as workers report their last partition (the `finalize` queue), and sweeps the
 * catalog so that a lost message, a master restart or a Redis flush cannot leave a job open: each sweep first puts
 * back what the queue lost, then finalises every job whose partitions have all ended.
 */
export class FanIn {
  private worker: Worker<{ jobId: string }> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly options: FanInOptions) {}

  start(): void {
    const { connection, prefix, log } = this.options;
    this.worker = new Worker<{ jobId: string }>(FINALIZE_QUEUE, async (job) => finalizeJob(job.data.jobId, this.options), {
      connection,
      prefix,
      concurrency: 4,
    });
    this.worker.on('error', (err) => log.error({ err }, 'finalize queue error'));
    this.worker.on('failed', (job, err) => log.warn({ err, jobId: job?.data.jobId }, 'finalize attempt failed'));
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs);
    void this.sweep();
  }

  /** One pass over the catalog; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        await this.options.recover?.().catch((err: unknown) => this.options.log.warn({ err }, 'queue recovery failed; next pass retries'));
        for (const jobId of await this.options.catalog.recovery.jobsToFinalize()) {
          await finalizeJob(jobId, this.options);
        }
      } catch (err) {
        this.options.log.warn({ err }, 'fan-in sweep failed; next pass retries');
      } finally {
        this.sweeping = undefined;
      }
    })();
    return this.sweeping;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await closeStarted(this.worker);
    await this.sweeping;
  }
}
