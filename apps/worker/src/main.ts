import { readWorkerEnv } from './env.js';
import { startWorker } from './worker.js';

const env = readWorkerEnv();
const worker = await startWorker(env);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
