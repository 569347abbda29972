import { startAzurite } from '@partita/azurite';
import { startBenchStack } from './dist/stack.js';
import { travelJobSpec } from './dist/travel/workload.js';
import { OptimizerSpec } from '@partita/contracts';
const azurite = await startAzurite({ inMemory: true });
const env = { databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres', redisUrl: 'redis://127.0.0.1:6379', azureConnectionString: azurite.connectionString };
const work = { groups: 500, seed: 42, optimizer: OptimizerSpec.parse({ algorithm: 'genetic', restarts: 10 }) };
for (let k = 0; k < 3; k++) {
  const stack = await startBenchStack(env, { workers: 1, workerEnv: { WORKER_CONCURRENCY: '1', WORKER_KINDS: 'travel-plan' } });
  await new Promise((r) => setTimeout(r, 1000));
  const job = await stack.waitForJob(await stack.submit(travelJobSpec(work, {}, { container: stack.container, prefix: 'x' })));
  const ps = [...job.partitions].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const runs = ps.map((p) => p.runMs);
  const med = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  console.log(`first ${Math.round(runs[0])} median ${Math.round(med)} ratio ${(runs[0] / med).toFixed(2)} | second ${Math.round(runs[1])} | Σ ${Math.round(runs.reduce((a, b) => a + b, 0))} wall ${job.timings.wallMs}`);
  await stack.stop();
}
await azurite.stop();
