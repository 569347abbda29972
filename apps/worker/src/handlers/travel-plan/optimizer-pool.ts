import { ThreadPool, threadScript } from '../../cpu/thread-pool.js';
import type { GroupsTask } from './optimize-group.js';

/** Travel groups optimised off the event loop, on up to `size` threads. */
export type OptimizerPool = ThreadPool<GroupsTask, Record<string, unknown>[][]>;

export function createOptimizerPool(size: number): OptimizerPool {
  return new ThreadPool(threadScript('./optimizer-thread.js', import.meta.url), size);
}
