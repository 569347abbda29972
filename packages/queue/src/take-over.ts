import type { Queue } from 'bullmq';

/**
 * Puts back on the queue messages held by a worker that died: each one still `active` under its dead holder's lock
 * goes back to waiting at once (BullMQ's move from active to wait, with the holder's own lock token), instead of
 * after the lock expires and a stalled check runs. Call it only for messages whose attempts the catalog has already
 * taken from their worker (silent heartbeats): a holder that was only slow finds its lock gone and its result fenced
 * off. Returns the ids moved; a message that finished or moved meanwhile is left as it is.
 */
export async function takeOverMessages(queue: Queue, ids: readonly string[]): Promise<string[]> {
  const client = await queue.client;
  const moved: string[] = [];
  for (const id of ids) {
    const job = await queue.getJob(id);
    if (!job || (await job.getState()) !== 'active') continue;
    // The lock's value is the holder's token; an expired lock moves with no token check ('0').
    const token = (await client.get(`${queue.toKey(id)}:lock`)) ?? '0';
    try {
      await job.moveToWait(token);
      moved.push(id);
    } catch {
      // Finished, or taken by another worker, since it was read: nothing to take over.
    }
  }
  return moved;
}
