import { readWorkerEnv } from './env.js';
import { startWorker } from './worker.js';

const env = readWorkerEnv();
const worker = await startWorker(env);
// A parent that started this process with an IPC channel (a test harness, a local runner) hears when it is ready.
process.send?.({ type: 'ready', workerId: worker.id });

/** After the grace period the running partitions are aborted; this much later the process exits regardless (keep the
 * pod's terminationGracePeriodSeconds above preStop + SHUTDOWN_TIMEOUT_MS + this). */
const FORCE_EXIT_AFTER_GRACE_MS = 4000;

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    // A close that hangs (Redis unreachable, a handler deaf to its abort signal) must not outlive the pod's grace period.
    setTimeout(() => process.exit(1), env.SHUTDOWN_TIMEOUT_MS + FORCE_EXIT_AFTER_GRACE_MS).unref();
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
