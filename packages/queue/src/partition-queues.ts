import type { Queue } from 'bullmq';
import type { PartitionPayload } from '@partita/contracts';
import { openPartitionQueue, type QueueSettings } from './partition-queue.js';
import { closeStarted } from './close-started.js';

/**
 * The partition queues a process sends to, opened on first use: one per kind and major (see partitionQueueName). The
 * master enqueues jobs' partitions; a worker enqueues the held partitions a capped job releases.
 */
export class PartitionQueues {
  private readonly open = new Map<string, Queue<PartitionPayload>>();

  constructor(
    private readonly settings: QueueSettings,
    initial: readonly string[] = [],
  ) {
    for (const name of initial) this.get(name);
  }

  get(name: string): Queue<PartitionPayload> {
    let queue = this.open.get(name);
    if (!queue) this.open.set(name, (queue = openPartitionQueue(name, this.settings)));
    return queue;
  }

  all(): Queue<PartitionPayload>[] {
    return [...this.open.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map(closeStarted));
  }
}
