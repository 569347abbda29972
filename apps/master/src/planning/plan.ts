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
}
