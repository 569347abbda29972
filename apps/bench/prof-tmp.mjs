import { startAzurite } from '@partita/azurite';
import { startBenchStack } from './dist/stack.js';
import { travelJobSpec, warmUpSpec } from './dist/travel/workload.js';
import { OptimizerSpec } from '@partita/contracts';
const azurite = await startAzurite({ inMemory: true });
const env = { databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres', redisUrl: 'redis://127.0.0.1:6379', azureConnectionString: azurite.connectionString };
const work = { groups: 500, seed: 42, optimizer: OptimizerSpec.parse({ algorithm: 'genetic', restarts: 10 }) };
const profile = process.argv[2] === 'prof';
const stack = await startBenchStack(env, { workers: 1, workerEnv: { WORKER_CONCURRENCY: '1', WORKER_KINDS: 'travel-plan', ...(profile ? { NODE_OPTIONS: '--import /tmp/prof/preload.mjs' } : {}) } });
await stack.waitForJob(await stack.submit(warmUpSpec(work, 1, stack.container)));
for (let r = 0; r < 3; r++) {
  const job = await stack.waitForJob(await stack.submit(travelJobSpec(work, {}, { container: stack.container, prefix: `r${r}` })), { pollMs: 50 });
  const runs = job.partitions.map((p) => p.runMs);
  const ps = [...job.partitions].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const gaps = ps.slice(1).map((p, i) => Date.parse(p.startedAt) - Date.parse(ps[i].finishedAt));
  const created = Date.parse(job.createdAt ?? job.submittedAt);
  console.log('keys', Object.keys(job.timings), 'submit->first start', Date.parse(ps[0].startedAt) - created, 'last end->finished', Date.parse(job.finishedAt) - Date.parse(ps.at(-1).finishedAt), 'gaps', gaps.join(' '));
  console.log(`wall ${job.timings.wallMs} ms, Σ runs ${Math.round(runs.reduce((a, b) => a + b, 0))} ms, first ${Math.round(runs[0])}, runs ${runs.map(Math.round).join(' ')}`);
}
await stack.stop();
await azurite.stop();
