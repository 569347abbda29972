import { parentPort } from 'node:worker_threads';
import { PartitaError } from '@partita/contracts';
import { importKinds } from '@partita/kinds';
import type { Kind } from '@partita/sdk';
import type { ThreadReply } from './thread-pool.js';

/** One `compute` call of a kind: the module that defines it (imported once per thread) and the task. */
export interface ComputeTask {
  module: string;
  kind: string;
  task: unknown;
  /** Only import the module (a warm-up of a kind without warm-up tasks). */
  loadOnly?: boolean;
}

const loaded = new Map<string, Promise<Map<string, Kind>>>();

function kindsOf(module: string): Promise<Map<string, Kind>> {
  let kinds = loaded.get(module);
  if (!kinds) loaded.set(module, (kinds = importKinds(module).then((list) => new Map(list.map((l) => [l.kind.name, l.kind])))));
  return kinds;
}

/** A CPU thread of the worker: runs kinds' `compute` functions, one task at a time, and answers with the result. */
parentPort?.on('message', (message: ComputeTask) => {
  void (async () => {
    let reply: ThreadReply<unknown>;
    try {
      const kind = (await kindsOf(message.module)).get(message.kind);
      if (!kind?.compute) throw new Error(`${message.module} has no kind ${message.kind} with a compute function`);
      reply = { ok: true, value: message.loadOnly ? null : kind.compute(message.task) };
    } catch (err) {
      const e = err as Error;
      reply = { ok: false, message: e.message, permanent: err instanceof PartitaError && !err.retryable };
    }
    parentPort?.postMessage(reply);
  })();
});
