import { mkdir, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { Manifest, TERMINAL_JOB_STATUSES, type JobView } from '@partita/contracts';
import { readParquet } from '@partita/parquet';
import { groupSize } from '@partita/travel';
import { ApiClient } from '../support/faults-api.js';
import { useStack } from '../support/stack.js';

const CLIENTS = 20;
/**
 * 5 gives the full 100 jobs × 100 partitions (`npm run test:load`: about 16 minutes on 2 busy cores, mostly the
 * workers' uploads); the suite runs 1 per client, 2,000 partitions, to stay within its time.
 */
const JOBS_PER_CLIENT = Number(process.env['LOAD_JOBS_PER_CLIENT'] ?? 1);
const PARTITIONS = 100;
/** 1–2 groups per partition. */
const GROUPS = 150;
const POLL_MS = 200;
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Stopping 2 workers busy with 16 partitions and removing some 10,000 queue keys takes longer than the default hook timeout.
vi.setConfig({ hookTimeout: 180_000 });

function percentiles(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { count: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0) };
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

describe(`load: ${CLIENTS * JOBS_PER_CLIENT} jobs of 100 partitions from ${CLIENTS} concurrent clients over HTTP`, () => {
  const ctx = useStack({ workers: 2, env: { WORKER_CONCURRENCY: '8' } });

  it('every partition succeeds exactly once, every manifest names its 100 files, every group is written once', async () => {
    const { stack } = ctx;
    const api = new ApiClient(stack.baseUrl);
    const latency: Record<'POST /jobs' | 'GET /jobs/:id', number[]> = { 'POST /jobs': [], 'GET /jobs/:id': [] };
    /** The seed of each job: its groups are g0…g149 of that seed. */
    const seeds = new Map<string, number>();
    const finals = new Map<string, JobView>();

    // The first client that fails stops the others.
    const failed = new AbortController();
    /** One client: submits its jobs one after the other, then polls their status until all ended. */
    async function runClient(client: number): Promise<void> {
      const mine: string[] = [];
      for (let j = 0; j < JOBS_PER_CLIENT; j++) {
        const seed = client * JOBS_PER_CLIENT + j;
        const answer = await api.request('POST', '/jobs', {
          kind: 'travel-plan',
          input: { generate: { groups: GROUPS, seed } },
          optimizer: { algorithm: 'random', guesses: 20 },
          partitions: PARTITIONS,
          output: { container: stack.container, prefix: `load/c${client}` },
        });
        latency['POST /jobs'].push(answer.ms);
        expect(answer.status, answer.text).toBe(202);
        const id = (answer.json as { id: string }).id;
        seeds.set(id, seed);
        mine.push(id);
      }
      const open = new Set(mine);
      while (open.size > 0 && !failed.signal.aborted) {
        await sleep(POLL_MS);
        for (const id of [...open]) {
          const answer = await api.request('GET', `/jobs/${id}`);
          latency['GET /jobs/:id'].push(answer.ms);
          expect(answer.status, answer.text).toBe(200);
          const job = answer.json as JobView;
          if (TERMINAL_JOB_STATUSES.includes(job.status)) {
            finals.set(id, job);
            open.delete(id);
          }
        }
      }
    }

    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        try {
          await runClient(client);
        } catch (err) {
          failed.abort();
          throw err;
        }
      }),
    );
    const wallMs = performance.now() - t0;

    const parts = [...finals.values()].flatMap((j) => j.partitions);
    const summary = {
      jobs: finals.size,
      partitions: finals.size * PARTITIONS,
      clients: CLIENTS,
      workers: 2,
      workerConcurrency: 8,
      wallMs: Math.round(wallMs),
      partitionsPerSecond: Math.round(((finals.size * PARTITIONS) / wallMs) * 1000 * 10) / 10,
      latencyMs: { 'POST /jobs': percentiles(latency['POST /jobs']), 'GET /jobs/:id': percentiles(latency['GET /jobs/:id']) },
      // Where the time goes: the workers' time per partition, the wait on the queue, and each job's wall time.
      partitionRunMs: percentiles(parts.map((p) => p.runMs ?? 0)),
      partitionQueueWaitMs: percentiles(parts.map((p) => p.queueWaitMs ?? 0)),
      jobWallMs: percentiles([...finals.values()].map((j) => j.timings.wallMs)),
    };
    console.log(JSON.stringify(summary));
    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(`${ARTIFACTS}load.json`, `${JSON.stringify(summary, null, 2)}\n`);

    expect(finals.size).toBe(CLIENTS * JOBS_PER_CLIENT);
    for (const job of finals.values()) {
      expect(job.status, `${job.id}: ${JSON.stringify(job.error)}`).toBe('succeeded');
      expect(job.partitions.map((p) => p.index)).toEqual(Array.from({ length: PARTITIONS }, (_, i) => i));
      for (const p of job.partitions) {
        expect(p.status).toBe('succeeded');
        expect(p.attempts).toBeGreaterThanOrEqual(1);
        expect(p.files).toHaveLength(1);
      }
    }

    // The catalog itself: every partition succeeded, with exactly one succeeded attempt.
    const { rows: counts } = await stack.master.catalog.pool.query<{ partitions: number; succeeded: number; once: number }>(
      `select count(*)::int as partitions,
              count(*) filter (where p.status = 'succeeded')::int as succeeded,
              count(*) filter (where a.succeeded = 1)::int as once
         from partitions p
         left join (select job_id, idx, count(*) filter (where outcome = 'succeeded')::int as succeeded
                      from attempts group by job_id, idx) a using (job_id, idx)`,
    );
    expect(counts[0]).toEqual({
      partitions: CLIENTS * JOBS_PER_CLIENT * PARTITIONS,
      succeeded: counts[0]!.partitions,
      once: counts[0]!.partitions,
    });

    // Every manifest names exactly 100 files, one per partition, each of which exists with its bytes.
    const blobs = new Map((await stack.store.list(stack.container, 'load/')).map((b) => [b.path, b]));
    const files: Array<{ jobId: string; path: string; rows: number }> = [];
    for (const job of finals.values()) {
      const manifest = Manifest.parse(JSON.parse((await stack.store.get(stack.container, job.output.manifest!)).toString()));
      expect(manifest.jobId).toBe(job.id);
      expect(manifest.files).toHaveLength(PARTITIONS);
      expect(new Set(manifest.files.map((f) => f.partition)).size).toBe(PARTITIONS);
      for (const f of manifest.files) {
        expect(blobs.get(f.path)?.bytes, f.path).toBe(f.bytes);
        files.push({ jobId: job.id, path: f.path, rows: f.rows });
      }
    }

    // Every group of every job is in exactly one file of that job, with all its travellers.
    const groupFiles = new Map<string, Set<string>>();
    const groupRows = new Map<string, number>();
    await forEachLimit(files, 16, async (file) => {
      const { rows } = await readParquet(await stack.store.get(stack.container, file.path));
      expect(rows).toHaveLength(file.rows);
      for (const row of rows) {
        const key = `${file.jobId}/${String(row['group_id'])}`;
        const inFiles = groupFiles.get(key) ?? new Set<string>();
        inFiles.add(file.path);
        groupFiles.set(key, inFiles);
        groupRows.set(key, (groupRows.get(key) ?? 0) + 1);
      }
    });
    expect(groupFiles.size).toBe(CLIENTS * JOBS_PER_CLIENT * GROUPS);
    for (const [jobId, seed] of seeds) {
      for (let g = 0; g < GROUPS; g++) {
        const key = `${jobId}/g${g}`;
        expect(groupFiles.get(key)?.size, key).toBe(1);
        expect(groupRows.get(key), key).toBe(groupSize(seed, g));
      }
    }
  }, 1_800_000); // about 11 min of jobs and 4 min of reading back on 2 busy cores: see test-artifacts/load.json
});
