import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import {
  ConflictError,
  LimitExceededError,
  NotFoundError,
  PartitaError,
  HEARTBEAT_LOST_MS,
  RetrySpec,
  TransientError,
  type ErrorInfo,
  type JobStatus,
} from '@partita/contracts';
import type { Catalog } from '@partita/catalog';
import type { KindRegistry } from '@partita/kinds';
import { enqueuePartitions, enqueueRecorded, removePartitionMessages, type PartitionQueues } from '@partita/queue';
import type { Kind } from '@partita/sdk';
import type { Logger, MasterMetrics } from '@partita/telemetry';
import type { SnapshotRegistry } from '../extract/snapshots.js';
import { planJob, type JobLimits, type Plan } from '../planning/plan.js';
import { loadJob } from '../views/jobs.js';

/** A job's spec as submitted: validated by its kind's schema on the way in. */
export type JobSpec = Record<string, unknown> & { kind: string };

export interface JobsServiceDeps {
  catalog: Catalog;
  kinds: KindRegistry;
  queues: PartitionQueues;
  source: () => pg.Pool;
  snapshots: SnapshotRegistry;
  limits: JobLimits;
  log: Logger;
  metrics: Pick<MasterMetrics, 'jobsSubmitted' | 'jobsFinished'>;
}

/** Submitting and cancelling jobs: plan, record in the catalog, enqueue. */
export class JobsService {
  constructor(private readonly deps: JobsServiceDeps) {}

  /** Checks a spec against its kind's schema: a ValidationError naming the kind or the field otherwise. */
  checkSpec(body: unknown): void {
    this.deps.kinds.parseSpec(body);
  }

  /**
   * Validates beyond the schema (planning may reject the input), records the job and its partitions, then enqueues.
   * Nothing reaches the queue before the whole plan is valid and recorded; if the queue is down the job is removed
   * again and the caller told to retry (503).
   */
  async submit(
    body: unknown,
    idempotencyKey?: string,
    options: { signal?: AbortSignal; submittedBy?: string | null } = {},
  ): Promise<{ id: string; status: JobStatus; created: boolean }> {
    const { signal, submittedBy = null } = options;
    const { catalog } = this.deps;
    // An unknown kind or a bad field is a 400 naming it, before anything is looked up.
    const { kind, spec: parsed } = this.deps.kinds.parseSpec(body);
    const spec = parsed as JobSpec;
    if (idempotencyKey !== undefined) {
      // A repeat answers before planning: no second snapshot, no second look at the source.
      const existing = await catalog.jobs.byIdempotencyKey(idempotencyKey);
      if (existing) return repeatOf(existing, spec, idempotencyKey);
    }
    const id = randomUUID();
    if (submittedBy !== null) await this.checkQueuedLimit(submittedBy, 0);
    // Planning is bounded (PLAN_TIMEOUT_MS), and abandoned when the caller goes away.
    const timeout = AbortSignal.timeout(this.deps.limits.planTimeoutMs);
    const plan = await planJob(id, kind, spec, {
      source: this.deps.source,
      snapshots: this.deps.snapshots,
      limits: this.deps.limits,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    // One job at a time is recorded and enqueued by this master: concurrent large submits take turns instead of
    // building all their rows and messages at once (memory, and pauses that would stall every other request).
    const run = this.lane.then(() => this.recordAndEnqueue(id, kind, spec, plan, idempotencyKey, submittedBy));
    this.lane = run.catch(() => undefined);
    return run;
  }

  private lane: Promise<unknown> = Promise.resolve();

  /** Records a planned job and its partitions, then enqueues them; the job is withdrawn if the queue is down. */
  private async recordAndEnqueue(
    id: string,
    kind: Kind,
    spec: JobSpec,
    plan: Plan,
    idempotencyKey: string | undefined,
    submittedBy: string | null,
  ): Promise<{ id: string; status: JobStatus; created: boolean }> {
    const { catalog, queues, log } = this.deps;
    const queue = this.deps.kinds.queueOf(kind);
    // With a cap, only the first partitions go to the queue; each one that ends releases the next (see the catalog).
    const cap = typeof spec['maxConcurrency'] === 'number' ? spec['maxConcurrency'] : undefined;
    let recorded;
    try {
      // Counted again in turn: jobs this token submitted meanwhile count too (one master records one job at a time).
      if (submittedBy !== null) await this.checkQueuedLimit(submittedBy, plan.partitions.length);
      recorded = await catalog.jobs.create({
        submittedBy,
        id,
        kind: spec.kind,
        kindVersion: kind.version,
        queue,
        itemNoun: kind.units,
        columns: plan.columns.length > 0 ? plan.columns : null,
        warnings: await this.warningsFor(kind),
        spec,
        output: plan.output,
        itemsTotal: plan.itemsTotal,
        partitions: plan.partitions,
        idempotencyKey,
        details: plan.details,
        maxConcurrency: cap,
      });
    } catch (err) {
      await plan.lease?.release();
      throw err;
    }
    if (!recorded.created) {
      // The same key submitted concurrently: the first insert won.
      await plan.lease?.release();
      if (!recorded.sameSpec) throw reusedKey(idempotencyKey ?? '');
      return recorded;
    }
    try {
      await enqueuePartitions(
        queues.get(queue),
        plan.partitions.filter((p) => cap === undefined || p.index < cap).map((p) => p.payload),
        RetrySpec.parse(spec['retry'] ?? {}),
      );
    } catch (err) {
      log.error({ err, jobId: id }, 'enqueue failed; job withdrawn');
      await catalog.jobs.delete(id).catch((e: unknown) => log.error({ err: e, jobId: id }, 'could not withdraw job'));
      await plan.lease?.release();
      throw new TransientError('the queue is unavailable; the job was not accepted, retry later', err);
    }
    plan.lease?.keep(id);
    await catalog.jobs.markEnqueued(id);
    this.deps.metrics.jobsSubmitted.inc({ kind: spec.kind });
    log.info({ jobId: id, kind: spec.kind, partitions: plan.partitions.length, items: plan.itemsTotal }, 'job enqueued');
    return { id, status: 'queued', created: true };
  }

  /**
   * What a job of `kind` is told when accepted: no live worker serves the kind's major, so its partitions wait on the
   * queue until one starts.
   */
  private async warningsFor(kind: Kind): Promise<string[]> {
    const workers = await this.deps.catalog.workers.live(HEARTBEAT_LOST_MS);
    const serving = workers.some((w) => w.kinds.some((k) => k.name === kind.name && Number(k.version.split('.')[0]) === kind.major));
    if (serving) return [];
    return [
      `no live worker serves kind ${kind.name} ${kind.major}.x yet: its partitions wait on queue ${this.deps.kinds.queueOf(kind)} until a worker with this kind starts`,
    ];
  }

  /**
   * A token may have at most `limits.queuedPartitionsPerToken` partitions not yet ended (MAX_QUEUED_PARTITIONS_PER_TOKEN):
   * a submit that would go over is a 429 naming the limit, with nothing recorded or enqueued. Checked before planning
   * (already at the limit) and after (with the job's partitions).
   */
  private async checkQueuedLimit(token: string, adding: number): Promise<void> {
    const limit = this.deps.limits.queuedPartitionsPerToken;
    const queued = await this.deps.catalog.jobs.openPartitionsSubmittedBy(token);
    if (queued + Math.max(adding, 1) > limit) {
      const n = (v: number) => v.toLocaleString('en-US');
      const message =
        `token ${token} has ${n(queued)} partitions queued or running; with this job's ${n(adding)} that is over this master's ` +
        `limit of ${n(limit)} per token (MAX_QUEUED_PARTITIONS_PER_TOKEN): retry when some have finished`;
      throw new LimitExceededError(message, [{ path: 'partitions', message }]);
    }
  }

  /**
   * Records a spec that could not be submitted (`err`: its source is wrong or unavailable) as a job that failed with
   * that error and has no partitions. A pipeline run's entry fails its own job this way, beside the others. Returns
   * the job's id; with an idempotency key already used, that job's.
   */
  async refuse(spec: JobSpec, err: unknown, idempotencyKey: string): Promise<string> {
    const error: ErrorInfo =
      err instanceof PartitaError
        ? { message: err.message, code: err.code, retryable: err.retryable }
        : { message: err instanceof Error ? err.message : String(err), code: 'PARTITA_ERR_INTERNAL', retryable: true };
    const given = spec['output'] as { container: string; prefix?: string };
    const output = { container: given.container, prefix: given.prefix ?? spec.kind };
    const recorded = await this.deps.catalog.jobs.createFailed({ id: randomUUID(), kind: spec.kind, spec, output, error, idempotencyKey });
    if (recorded.created) {
      this.deps.metrics.jobsSubmitted.inc({ kind: spec.kind });
      this.deps.metrics.jobsFinished.inc({ kind: spec.kind, outcome: 'failed' });
      this.deps.log.warn({ jobId: recorded.id, err }, 'job refused before planning; recorded as failed');
    }
    return recorded.id;
  }

  /**
   * Runs a failed job's failed partitions again, with a fresh retry budget; its succeeded partitions and their files
   * stay. The old messages leave the queue first, so the recovery pass never mistakes them for the new attempt's.
   */
  async retry(id: string): Promise<JobStatus> {
    const { catalog, queues, log } = this.deps;
    const job = await loadJob(catalog, id);
    if (!job) throw new NotFoundError(`job ${id} does not exist`);
    if (job.status !== 'failed') throw new ConflictError(`job ${id} is ${job.status}: only a failed job can be retried`);
    if (job.partitions.length === 0) throw new ConflictError(`job ${id} failed before it was planned: submit its spec again`);
    const queue = queues.get(job.queue);
    const failed = job.partitions.filter((p) => p.status === 'failed').map((p) => p.index);
    await removePartitionMessages(queue, id, failed);
    const result = await catalog.jobs.retry(id);
    if (result === null) throw new NotFoundError(`job ${id} does not exist`);
    if (result.status !== 'running') throw new ConflictError(`job ${id} is ${result.status}: only a failed job can be retried`);
    try {
      await enqueueRecorded(queue, result);
    } catch (err) {
      // Recorded as queued: the recovery pass enqueues them once the queue is back.
      log.warn({ err, jobId: id }, 'retry recorded, enqueue failed; recovery will enqueue');
    }
    log.info({ jobId: id, partitions: failed }, 'failed partitions retried');
    return 'running';
  }

  /** Cancels a job: its waiting partitions leave the queue and never run; running ones finish but change nothing. */
  async cancel(id: string): Promise<JobStatus> {
    const { catalog, queues, log } = this.deps;
    const result = await catalog.jobs.cancel(id);
    if (result === null) throw new NotFoundError(`job ${id} does not exist`);
    // Only the cancel that ended the job counts it; a repeat is a 409, like cancelling a job that ended otherwise.
    if (!result.changed) {
      throw new ConflictError(result.status === 'cancelled' ? `job ${id} was already cancelled` : `job ${id} has already ${result.status}`);
    }
    this.deps.metrics.jobsFinished.inc({ kind: result.kind, outcome: 'cancelled' });
    await this.deps.snapshots.release(id);
    await removePartitionMessages(queues.get(result.queue), id, result.cancelled).catch((err: unknown) =>
      // Harmless: a worker that picks one up finds the job cancelled in the catalog and skips it.
      log.warn({ err, jobId: id }, 'could not remove waiting partitions from the queue'),
    );
    return result.status;
  }
}

/** A submit that repeats an idempotency key: the same job for the same spec, a conflict for another. */
function repeatOf(
  existing: { id: string; status: JobStatus; spec: unknown },
  spec: JobSpec,
  key: string,
): { id: string; status: JobStatus; created: boolean } {
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(spec)), existing.spec)) throw reusedKey(key);
  return { id: existing.id, status: existing.status, created: false };
}

function reusedKey(key: string): ConflictError {
  return new ConflictError(`Idempotency-Key "${key}" was already used for a different spec; use a new key for a new job`);
}
