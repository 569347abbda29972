import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Waits until `count` workers consume the partition queue `queueName` (see partitionQueueName), so that a first job is shared between them.
 * `check` runs on every poll and may throw to give up early (a worker process exited).
 */
export async function waitForWorkers(
  connection: Redis,
  prefix: string,
  queueName: string,
  count: number,
  options: { timeoutMs?: number; check?: () => void } = {},
): Promise<void> {
  const { timeoutMs = 30_000, check } = options;
  const queue = new Queue(queueName, { connection, prefix });
  try {
    const deadline = Date.now() + timeoutMs;
    while ((await queue.getWorkersCount()) < count) {
      check?.();
      if (Date.now() > deadline) throw new Error(`${count} workers did not start within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await queue.close();
  }
}
