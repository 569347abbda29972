import { ThreadPool, threadScript } from './thread-pool.js';
import type { ComputeTask } from './kind-thread.js';

/** Kinds' `compute` calls run off the event loop, on up to `size` threads (started on first use). */
export type ComputePool = ThreadPool<ComputeTask, unknown>;

export function createComputePool(size: number): ComputePool {
  return new ThreadPool(threadScript('./kind-thread.js', import.meta.url), size);
}
