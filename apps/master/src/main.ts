import { readMasterEnv } from './env.js';
import { startMaster } from './master.js';

const env = readMasterEnv();
const master = await startMaster(env);

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    master.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    master.close().then(
      () => process.exit(0),
      (err: unknown) => {
        master.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
