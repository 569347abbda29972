import type { Queue } from 'bullmq';

/** A queue's messages by state, as Partita reports them. */
export interface QueueDepth {
  /** Ready to run or waiting their turn: BullMQ's wait, prioritized, paused and waiting-children lists together. */
  waiting: number;
  active: number;
  /** Scheduled for later: retries in backoff, handed-back partitions. */
  delayed: number;
  failed: number;
}

/**
 * One queue's depth in one round trip. BullMQ's `wait` list alone misses prioritised and paused messages, so
 * `waiting` sums every list a message can sit in before a worker takes it: the figure to scale workers on.
 */
export async function queueDepth(queue: Queue): Promise<QueueDepth> {
  const c = await queue.getJobCounts('wait', 'prioritized', 'paused', 'waiting-children', 'active', 'delayed', 'failed');
  const n = (state: string) => c[state] ?? 0;
  return {
    waiting: n('wait') + n('prioritized') + n('paused') + n('waiting-children'),
    active: n('active'),
    delayed: n('delayed'),
    failed: n('failed'),
  };
}
