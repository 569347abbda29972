import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PermanentError, TransientError } from '@partita/contracts';

/** What a pool thread answers: a result, or an error with whether another attempt could help. */
export type ThreadReply<R> = { ok: true; value: R } | { ok: false; message: string; permanent: boolean };

interface Slot {
  thread: Worker;
  busy: boolean;
}

interface Waiting<T, R> {
  task: T;
  signal: AbortSignal | undefined;
  resolve: (value: R) => void;
  reject: (err: Error) => void;
}

/**
 * A fixed set of worker threads running one script, one task per thread at a time. CPU-bound work runs here so the
 * worker's event loop stays free: queue locks are renewed, heartbeats and health checks answered, however long a
 * task computes. A thread that dies fails its task (retryable) and is replaced; an aborted task's thread is
 * terminated and replaced, so shutdown does not wait for a computation nobody will use.
 */
export class ThreadPool<T, R> {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<Waiting<T, R>> = [];
  private closed = false;

  constructor(
    private readonly script: URL,
    private readonly size: number,
  ) {}

  run(task: T, signal?: AbortSignal): Promise<R> {
    if (this.closed) return Promise.reject(new TransientError('the CPU pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ task, signal, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Starts every thread and runs `tasks` on each, one after another: what a first partition would otherwise pay (a
   * thread's start, its modules' loading, the first compilation) is paid here. Resolves when every thread is done.
   */
  async warm(tasks: readonly T[]): Promise<void> {
    while (this.slots.length < this.size) this.spawn();
    await Promise.all(
      this.slots.map(async (slot) => {
        for (const task of tasks) {
          await new Promise<R>((resolve, reject) => this.start(slot, { task, signal: undefined, resolve, reject }));
        }
      }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new TransientError('the CPU pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.thread.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((s) => !s.busy) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      this.start(slot, this.waiting.shift()!);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { thread: new Worker(this.script), busy: false };
    slot.thread.unref();
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Waiting<T, R>): void {
    slot.busy = true;
    const done = (settle: () => void, replace: boolean) => {
      slot.thread.off('message', onMessage).off('error', onError).off('exit', onExit);
      job.signal?.removeEventListener('abort', onAbort);
      if (replace) {
        void slot.thread.terminate();
        this.slots.splice(this.slots.indexOf(slot), 1);
      } else {
        slot.busy = false;
      }
      settle();
      if (!this.closed) this.dispatch();
    };
    const onMessage = (reply: ThreadReply<R>) =>
      done(
        () =>
          reply.ok ? job.resolve(reply.value) : job.reject(reply.permanent ? new PermanentError(reply.message) : new Error(reply.message)),
        false,
      );
    const onError = (err: Error) => done(() => job.reject(new TransientError(`CPU thread failed: ${err.message}`, err)), true);
    const onExit = (code: number) => done(() => job.reject(new TransientError(`CPU thread exited with code ${code}`)), true);
    const onAbort = () => done(() => job.reject(job.signal?.reason as Error), true);
    slot.thread.on('message', onMessage).on('error', onError).on('exit', onExit);
    job.signal?.addEventListener('abort', onAbort, { once: true });
    slot.thread.postMessage(job.task);
  }
}

/**
 * A thread script next to the calling module. Run from TypeScript sources (as the tests do), the compiled script is
 * taken from the package's dist/ instead, since a thread cannot load TypeScript.
 */
export function threadScript(relative: string, base: string): URL {
  const here = new URL(relative, base);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL(here.href.replace('/src/', '/dist/'));
}
