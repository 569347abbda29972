import { parentPort } from 'node:worker_threads';
import { PartitaError } from '@partita/contracts';
import type { ThreadReply } from '../../cpu/thread-pool.js';
import { optimizeGroup, type GroupTask } from './optimize-group.js';

/** A CPU thread of the worker: optimises one group per message and answers with its rows. */
parentPort?.on('message', (task: GroupTask) => {
  let reply: ThreadReply<Record<string, unknown>[]>;
  try {
    reply = { ok: true, value: optimizeGroup(task) };
  } catch (err) {
    const e = err as Error;
    reply = { ok: false, message: e.message, permanent: err instanceof PartitaError && !err.retryable };
  }
  parentPort?.postMessage(reply);
});
