import type { JobKind } from './job-spec.js';

/** One BullMQ queue per kind, so workers can be scaled per kind. */
export function partitionQueueName(kind: JobKind): string {
  return `partitions-${kind}`;
}

/** The master's queue of jobs to finalise (fan-in), fed by the worker that ends a job's last partition. */
export const FINALIZE_QUEUE = 'finalize';

/** Deterministic BullMQ job id of a partition: enqueueing twice is a no-op, and cancelling can find it. */
export function partitionMessageId(jobId: string, index: number): string {
  return `${jobId}.${index}`;
}
