import type { Queue } from 'bullmq';

/** Where a queue message is, as far as recovery needs to know. */
export type MessageState = 'missing' | 'pending' | 'completed' | 'failed';

/**
 * The state of many messages of one queue in two round trips: one pipelined HMGET of every message's hash (absent:
 * the queue lost it; not finished: waiting, delayed or active), then the exact state of the few that finished.
 */
export async function messageStates(queue: Queue, ids: readonly string[]): Promise<Map<string, MessageState>> {
  const states = new Map<string, MessageState>();
  if (ids.length === 0) return states;
  const client = await queue.client;
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.runCommand('hmget', [queue.toKey(id), 'timestamp', 'finishedOn']);
  const replies = (await pipeline.exec()) ?? [];
  const finished: string[] = [];
  ids.forEach((id, i) => {
    const [err, fields] = (replies[i] ?? [new Error('no reply'), null]) as [Error | null, unknown];
    if (err) throw err;
    const [timestamp, finishedOn] = fields as [string | null, string | null];
    if (timestamp === null) states.set(id, 'missing');
    else if (finishedOn === null) states.set(id, 'pending');
    else finished.push(id);
  });
  for (const id of finished) {
    const state = await queue.getJobState(id);
    states.set(id, state === 'completed' || state === 'failed' ? state : state === 'unknown' ? 'missing' : 'pending');
  }
  return states;
}
