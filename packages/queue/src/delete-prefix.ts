import type { Redis } from 'ioredis';

/** Deletes every key under a BullMQ prefix (a test's or a benchmark's queues, once it is done). Returns how many. */
export async function deleteQueuePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
