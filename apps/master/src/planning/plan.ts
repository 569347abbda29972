import type { PartitionPayload } from '@partita/contracts';

/** A planned partition: its queue message and what the catalog records about it. */
export interface PlannedPartition {
  index: number;
  payload: PartitionPayload;
  /** Groups (travel) or rows (extract). */
  items: number;
  /** Estimated work in relative units. */
  estimatedCost: number;
}

/** The master's plan of a job: the partitions, and where the output goes. Pure data, made before anything is written. */
export interface Plan {
  itemsTotal: number;
  partitions: PlannedPartition[];
  output: { container: string; prefix: string };
  /** Facts the workers and the job's status need (extracts: chunking, column plans, snapshot). */
  details?: Record<string, unknown>;
  /**
   * What the plan holds open while its job runs (an extract's exported snapshot): kept once the job is accepted,
   * released when it is not (a repeated idempotency key, the queue down).
   */
  lease?: { keep(jobId: string): void; release(): Promise<void> };
}
