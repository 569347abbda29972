import { startAzurite } from '@partita/azurite';
import { startBenchStack } from './dist/stack.js';
const azurite = await startAzurite({ inMemory: true });
const env = { databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres', redisUrl: 'redis://127.0.0.1:6379', azureConnectionString: azurite.connectionString };
const stack = await startBenchStack(env, { workers: 1, workerEnv: { WORKER_CONCURRENCY: '8', WORKER_KINDS: 'noop' } });
const times = [];
for (let i = 0; i < 60; i++) {
  const t0 = performance.now();
  const id = await stack.submit({ kind: 'noop', partitions: 1, output: { container: stack.container } });
  const t1 = performance.now();
  const job = await stack.waitForJob(id, { pollMs: 2 });
  const t2 = performance.now();
  const p = job.partitions[0];
  const abs = (t) => performance.timeOrigin + t;
  if (i >= 10 && p) times.push({ a_submitToStart: Date.parse(p.startedAt) - abs(t1), b_startToEnd: Date.parse(p.finishedAt) - Date.parse(p.startedAt), c_endToJobEnd: Date.parse(job.finishedAt) - Date.parse(p.finishedAt), d_jobEndToSeen: abs(t2) - Date.parse(job.finishedAt), created_to_t1: abs(t1) - Date.parse(job.createdAt) });
  if (i >= 10) times.push({ total: t2 - t0, submit: t1 - t0, wait: p ? Date.parse(p.startedAt) - Date.parse(job.createdAt) : -1, run: p?.runMs, fin: Date.parse(job.finishedAt) - Date.parse(p.finishedAt), plan: job.timings.planMs });
}
const med = (k) => { const xs = times.map((t) => t[k]).filter((x) => x !== undefined).sort((a, b) => a - b); return Math.round(xs[Math.floor(xs.length / 2)] * 10) / 10; };
console.log(['a_submitToStart','b_startToEnd','c_endToJobEnd','d_jobEndToSeen','created_to_t1'].map((k) => k + ' ' + med(k)).join(', '));
console.log('p50 total', med('total'), 'submit', med('submit'), 'created->start', med('wait'), 'run', med('run'), 'partition end->job end', med('fin'), 'plan', med('plan'));
await stack.stop();
await azurite.stop();
