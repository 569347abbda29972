/**
 * One BullMQ queue per kind and major version (`partitions-travel-plan-v1`): workers scale per kind, and a rolling
 * deploy never hands a payload of one major to the code of another.
 */
export function partitionQueueName(kind: string, major: number): string {
  return `partitions-${kind}-v${major}`;
}

/** The master's queue of jobs to finalise (fan-in), fed by the worker that ends a job's last partition. */
export const FINALIZE_QUEUE = 'finalize';

/** Deterministic BullMQ job id of a partition: enqueueing twice is a no-op, and cancelling can find it. */
export function partitionMessageId(jobId: string, index: number): string {
  return `${jobId}.${index}`;
}

/** How often a worker's running attempt beats in the catalog. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * A running attempt silent for this long has no live worker: when its queue message is gone too (Redis lost its
 * data), the master puts the partition back on the queue. Three missed beats, so one slow catalog write is no death.
 */
export const HEARTBEAT_LOST_MS = 3 * HEARTBEAT_INTERVAL_MS;

/** The master's queue of scheduled pipeline runs: one BullMQ job scheduler per scheduled pipeline feeds it. */
export const PIPELINE_RUNS_QUEUE = 'pipeline-runs';
