import type { Queue } from 'bullmq';
import { HEARTBEAT_LOST_MS, partitionMessageId, type ErrorInfo, type PartitionPayload } from '@partita/contracts';
import type { Catalog, OpenPartition } from '@partita/catalog';
import { enqueueRecorded, messageStates, takeOverMessages, type MessageState } from '@partita/queue';
import type { Logger } from '@partita/telemetry';

export interface QueueRecoveryDeps {
  catalog: Catalog;
  /** The partition queue of a name (opened on first use). */
  queues: { get(name: string): Queue<PartitionPayload> };
  log: Logger;
  /** A job recorded this long ago and still not enqueued lost its submit (the master stopped in between). */
  notEnqueuedAfterMs: number;
  /** Asks the fan-in to end a job whose last open partition recovery just failed. */
  finalize(jobId: string): Promise<unknown>;
  /** A running attempt whose heartbeats stopped this long ago died with its worker: its partition is taken over. */
  attemptDeadAfterMs: number;
  /**
   * Compare every open partition's message with the catalog (messages lost, stalled out). Default true; the master
   * does it when Redis lost its data and once a minute, not every pass.
   */
  compareMessages?: boolean;
}

/** What one recovery pass did. */
export interface RecoveryReport {
  /** Jobs whose submit never enqueued them, enqueued now. */
  enqueuedJobs: number;
  /** Partitions whose messages the queue lost, put back. */
  requeued: number;
  /** Partitions whose messages stalled out without their attempt ever being recorded, failed. */
  failed: number;
  /** Partitions taken from attempts whose heartbeats stopped (their worker died), queued again at once. */
  takenOver: number;
}

/** What recovery does about one open partition, given where its message is. Pure. */
export function recoveryAction(partition: Pick<OpenPartition, 'status' | 'silentMs'>, message: MessageState): 'none' | 'requeue' | 'fail' {
  if (message === 'pending') return 'none';
  if (message === 'failed') return 'fail';
  // A live attempt keeps running without its message (Redis lost it); its result is recorded all the same.
  if (partition.status === 'running' && (partition.silentMs ?? Number.POSITIVE_INFINITY) < HEARTBEAT_LOST_MS) return 'none';
  return 'requeue';
}

/**
 * Makes the queue agree with the catalog, the source of truth: beyond what BullMQ promises alone, a job survives
 * Redis losing its data, a master stopping between recording and enqueueing a job, and a message that stalled out.
 * Every step is idempotent (messages have deterministic ids), so running it from several masters at once is harmless.
 */
export async function recoverQueues(deps: QueueRecoveryDeps): Promise<RecoveryReport> {
  const { catalog, log } = deps;
  const report: RecoveryReport = { enqueuedJobs: 0, requeued: 0, failed: 0, takenOver: 0 };

  // Dead workers' partitions first, by the catalog's heartbeats: their messages go back to waiting now, not once the
  // dead worker's queue lock expires and a stalled check finds it. A message the queue lost is put back below.
  const taken = await catalog.recovery.takeBackSilent(deps.attemptDeadAfterMs);
  for (const queueName of new Set(taken.map((p) => p.queue))) {
    const mine = taken.filter((p) => p.queue === queueName);
    await takeOverMessages(
      deps.queues.get(queueName),
      mine.map((p) => partitionMessageId(p.jobId, p.index)),
    );
    for (const p of mine) {
      log.warn(
        { jobId: p.jobId, partition: p.index, attempt: p.attempt, workerId: p.workerId },
        'attempt silent: its worker died; partition taken over',
      );
    }
  }
  report.takenOver = taken.length;

  for (const jobId of await catalog.recovery.jobsNotEnqueued(deps.notEnqueuedAfterMs)) {
    const open = await catalog.recovery.openMessages(jobId);
    if (!open) continue;
    await enqueue(deps, open);
    await catalog.jobs.markEnqueued(jobId);
    report.enqueuedJobs++;
    log.warn({ jobId, partitions: open.payloads.length }, 'job recorded but never enqueued: enqueued now');
  }

  if (deps.compareMessages === false) return report;
  const open = await catalog.recovery.openPartitions();
  for (const queueName of new Set(open.map((p) => p.queue))) {
    const parts = open.filter((p) => p.queue === queueName);
    const queue = deps.queues.get(queueName);
    const states = await messageStates(
      queue,
      parts.map((p) => partitionMessageId(p.jobId, p.index)),
    );
    const requeue = new Map<string, number[]>();
    for (const p of parts) {
      const id = partitionMessageId(p.jobId, p.index);
      const state = states.get(id) ?? 'pending';
      const action = recoveryAction(p, state);
      if (action === 'fail') {
        report.failed += await failStalled(deps, queue, p, id);
      } else if (action === 'requeue') {
        // A message that completed while its partition is still open is out of step: replace it.
        if (state === 'completed') await queue.remove(id);
        requeue.set(p.jobId, [...(requeue.get(p.jobId) ?? []), p.index]);
      }
    }
    for (const [jobId, indices] of requeue) {
      // Read again: only partitions still open go back (one may have ended since the list was read).
      const job = await catalog.recovery.openMessages(jobId, indices);
      if (!job || job.payloads.length === 0) continue;
      await enqueue(deps, job);
      report.requeued += job.payloads.length;
      log.warn({ jobId, partitions: indices }, 'partitions missing from the queue: enqueued again');
    }
  }
  return report;
}

async function enqueue(deps: QueueRecoveryDeps, job: { queue: string; spec: Record<string, unknown>; payloads: unknown[] }): Promise<void> {
  await enqueueRecorded(deps.queues.get(job.queue), job);
}

async function failStalled(deps: QueueRecoveryDeps, queue: Queue<PartitionPayload>, p: OpenPartition, id: string): Promise<number> {
  const message = await queue.getJob(id);
  const error: ErrorInfo = {
    message: `partition ${p.index} was lost: ${message?.failedReason ?? 'its queue message failed'} (its worker died or stopped answering while running it)`,
    code: 'PARTITA_ERR_LOST',
    retryable: true,
  };
  const ended = await deps.catalog.partitions.failLost({ jobId: p.jobId, index: p.index, attempt: p.attempts }, error);
  if (ended.released) await enqueue(deps, ended.released);
  if (!ended.recorded) return 0;
  deps.log.error({ jobId: p.jobId, partition: p.index, reason: message?.failedReason }, 'partition lost: failed');
  if (ended.jobComplete) await deps.finalize(p.jobId);
  return 1;
}
