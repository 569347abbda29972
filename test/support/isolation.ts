import { randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteQueuePrefix } from '@partita/queue';
import pg from 'pg';
import { DATABASE_URL, REDIS_URL } from './env.js';
import { queueOf } from './kinds.js';

/** A name no other test uses: for a catalog schema, a queue prefix, a blob container. */
export function uniqueName(stem: string): string {
  return `${stem}${randomBytes(5).toString('hex')}`;
}

/** Drops a test's catalog schema (call only when the test passed: a failed test's state stays for inspection). */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key under a BullMQ prefix (on the shared Redis, or a test's own server). */
export async function deletePrefix(prefix: string, redisUrl = REDIS_URL): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    await deleteQueuePrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/**
 * Counts the Redis keys under a prefix (0 means nothing was enqueued). A worker's stalled-job check comes and goes on
 * its own timer (a key with a TTL), so it is not counted.
 */
export async function countQueueKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    return (await redis.keys(`${prefix}:*`)).filter((key) => !key.endsWith(':stalled-check')).length;
  } finally {
    redis.disconnect();
  }
}

/** Every message of one kind's partition queue under a prefix, in any state. */
export async function partitionMessages(prefix: string, kind: string): Promise<Job[]> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(queueOf(kind), { connection, prefix });
  try {
    return await queue.getJobs(['waiting', 'prioritized', 'paused', 'active', 'delayed', 'completed', 'failed'], 0, -1);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
