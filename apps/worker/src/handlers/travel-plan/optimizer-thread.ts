import { parentPort } from 'node:worker_threads';
import { PartitaError } from '@partita/contracts';
import type { ThreadReply } from '../../cpu/thread-pool.js';
import { optimizeGroups, type GroupsTask } from './optimize-group.js';

/** A CPU thread of the worker: optimises the groups of one message and answers with their rows. */
parentPort?.on('message', (task: GroupsTask) => {
  let reply: ThreadReply<Record<string, unknown>[][]>;
  try {
    reply = { ok: true, value: optimizeGroups(task) };
  } catch (err) {
    const e = err as Error;
    reply = { ok: false, message: e.message, permanent: err instanceof PartitaError && !err.retryable };
  }
  parentPort?.postMessage(reply);
});
