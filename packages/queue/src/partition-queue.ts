import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { PartitionPayload, RetrySpec, partitionMessageId } from '@partita/contracts';

export interface QueueSettings {
  /** BullMQ key prefix: isolates deployments (and tests) sharing one Redis. Default `partita`. */
  prefix: string;
  connection: ConnectionOptions;
}

/** Opens a partition queue (one per kind and major: see partitionQueueName). */
export function openPartitionQueue(name: string, settings: QueueSettings): Queue<PartitionPayload> {
  const queue = new Queue<PartitionPayload>(name, { connection: settings.connection, prefix: settings.prefix });
  queue.on('error', () => undefined); // surfaced by the failing call; ioredis reconnects on its own
  return queue;
}

/** BullMQ's largest priority (lower runs first). */
const MAX_PRIORITY = 2_097_152;

/**
 * BullMQ options of a partition message: deterministic id (enqueueing twice is a no-op), attempts and backoff from the
 * spec, and a priority that takes the jobs in turn: partition _i_ of every job has priority _i + 1_, so the queue hands
 * out each job's first partition before any job's second, and so on (round-robin across jobs, FIFO within a round). A
 * job submitted behind a flood of large ones starts at once, and no job starves another.
 */
export function partitionJobOptions(payload: PartitionPayload, retry: RetrySpec): JobsOptions {
  return {
    jobId: partitionMessageId(payload.jobId, payload.index),
    priority: Math.min(MAX_PRIORITY, payload.index + 1),
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600 },
  };
}

/** Puts partitions on the queue in bulk batches. Idempotent: a partition already on the queue is not added again. */
export async function enqueuePartitions(
  queue: Queue<PartitionPayload>,
  payloads: readonly PartitionPayload[],
  retry: RetrySpec,
  batchSize = 1000,
): Promise<void> {
  for (let i = 0; i < payloads.length; i += batchSize) {
    const batch = payloads.slice(i, i + batchSize);
    await queue.addBulk(batch.map((data) => ({ name: data.kind, data, opts: partitionJobOptions(data, retry) })));
    // Lets other requests (health checks, status reads) through between batches of a large job.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Enqueues partitions as the catalog holds them: payloads as recorded, with the retry of their job's spec (a retried
 * job's failed partitions, a capped job's released ones, those recovery puts back).
 */
export async function enqueueRecorded(
  queue: Queue<PartitionPayload>,
  job: { spec: Record<string, unknown>; payloads: readonly unknown[] },
): Promise<void> {
  const payloads = job.payloads.map((p) => PartitionPayload.parse(p));
  await enqueuePartitions(queue, payloads, RetrySpec.parse(job.spec['retry'] ?? {}));
}

/**
 * Removes a job's partition messages in any state but active (those are locked by their worker and left to finish):
 * cancelling takes waiting ones off the queue, a retry replaces failed ones.
 */
export async function removePartitionMessages(
  queue: Queue<PartitionPayload>,
  jobId: string,
  indices: readonly number[],
  batchSize = 1000,
): Promise<number> {
  let removed = 0;
  // Concurrent removals share the connection's pipeline: one round trip per batch, not per message.
  for (let i = 0; i < indices.length; i += batchSize) {
    const batch = indices.slice(i, i + batchSize);
    const counts = await Promise.all(batch.map((index) => queue.remove(partitionMessageId(jobId, index))));
    removed += counts.reduce((a, b) => a + b, 0);
  }
  return removed;
}
