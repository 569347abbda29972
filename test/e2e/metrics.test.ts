import { describe, expect, it } from 'vitest';
import { PIPELINE_RUNS_QUEUE } from '@partita/contracts';
import { scrape, sumOf } from '../support/prom-text.js';
import { useStack } from '../support/stack.js';
import { BUILTIN_KINDS, BUILTIN_QUEUES, queueOf } from '../support/kinds.js';

const travel = (container: string, groups: number, partitions: number) => ({
  kind: 'travel-plan',
  input: { generate: { groups, seed: 11 } },
  optimizer: { algorithm: 'annealing' },
  partitions,
  output: { container, prefix: 'metrics' },
});

describe('Prometheus metrics of the master and the workers', () => {
  const ctx = useStack({ workers: 2, workerHttp: true });

  it('count what a job did: partitions, rows, bytes, run times, speed-up, and the queue depth while it waits', async () => {
    const { stack } = ctx;
    const workerUrls = [...stack.workerHttpPorts.values()].map((port) => `http://127.0.0.1:${port}/metrics`);
    expect(workerUrls).toHaveLength(2);

    // Before any job: every series exists at zero, and each worker has one idle slot per kind it takes.
    const before = await scrape(`${stack.baseUrl}/metrics`);
    expect(sumOf(before, 'partita_jobs_submitted_total', { kind: 'travel-plan' })).toBe(0);
    expect(before.some((s) => s.name === 'partita_jobs_finished_total' && s.labels['outcome'] === 'cancelled')).toBe(true);
    expect(before.some((s) => s.name === 'process_cpu_seconds_total')).toBe(true);
    for (const url of workerUrls) {
      const w = await scrape(url);
      expect(sumOf(w, 'partita_worker_slots', { state: 'idle' })).toBe(BUILTIN_KINDS.length);
      expect(sumOf(w, 'partita_worker_slots', { state: 'busy' })).toBe(0);
      expect(w.some((s) => s.name === 'nodejs_eventloop_lag_p99_seconds')).toBe(true);
    }

    // Waiting partitions show as the queue's depth.
    await stack.pauseWorkers();
    const waitingId = await stack.submit(travel(stack.container, 30, 6));
    const queued = await scrape(`${stack.baseUrl}/metrics`);
    const queue = queueOf('travel-plan');
    expect(sumOf(queued, 'partita_queue_jobs', { queue, state: 'waiting' })).toBe(6);
    expect(sumOf(queued, 'partita_queue_jobs', { queue, state: 'active' })).toBe(0);
    expect(sumOf(queued, 'partita_jobs_submitted_total', { kind: 'travel-plan' })).toBe(1);
    await stack.resumeWorkers();
    const first = await stack.waitForJob(waitingId);
    expect(first.status).toBe('succeeded');

    const id = await stack.submit(travel(stack.container, 120, 8));
    const job = await stack.waitForJob(id);
    expect(job.status).toBe('succeeded');

    const master = await scrape(`${stack.baseUrl}/metrics`);
    expect(sumOf(master, 'partita_jobs_submitted_total', { kind: 'travel-plan' })).toBe(2);
    expect(sumOf(master, 'partita_jobs_finished_total', { kind: 'travel-plan', outcome: 'succeeded' })).toBe(2);
    expect(sumOf(master, 'partita_job_duration_seconds_count', { kind: 'travel-plan', outcome: 'succeeded' })).toBe(2);
    expect(sumOf(master, 'partita_job_speedup_ratio', { kind: 'travel-plan' })).toBeCloseTo(job.timings.speedup, 6);
    expect(sumOf(master, 'partita_job_efficiency_ratio', { kind: 'travel-plan' })).toBeCloseTo(job.timings.efficiency, 6);
    expect(sumOf(master, 'partita_queue_jobs', { queue, state: 'waiting' })).toBe(0);

    const workers = await Promise.all(workerUrls.map(scrape));
    const total = (name: string, match: Record<string, string> = {}) => workers.reduce((a, w) => a + sumOf(w, name, match), 0);
    const kind = { kind: 'travel-plan' };
    const both = [first, job];
    const partitions = both.reduce((a, j) => a + j.partitions.length, 0);
    expect(total('partita_partitions_started_total', kind)).toBe(partitions);
    expect(total('partita_partitions_finished_total', { ...kind, outcome: 'succeeded' })).toBe(partitions);
    expect(total('partita_partitions_finished_total', { ...kind, outcome: 'failed' })).toBe(0);
    expect(total('partita_partitions_retried_total', kind)).toBe(0);
    expect(total('partita_partition_run_seconds_count', kind)).toBe(partitions);
    expect(total('partita_partition_queue_wait_seconds_count', kind)).toBe(partitions);
    const runSeconds = both.flatMap((j) => j.partitions).reduce((a, p) => a + (p.runMs ?? 0), 0) / 1000;
    // The worker times the handler; the catalog records the same figure.
    expect(total('partita_partition_run_seconds_sum', kind)).toBeCloseTo(runSeconds, 3);
    const rows = both.flatMap((j) => j.partitions).reduce((a, p) => a + (p.rows ?? 0), 0);
    const bytes = both.flatMap((j) => j.partitions).reduce((a, p) => a + (p.bytes ?? 0), 0);
    expect(rows).toBeGreaterThan(0);
    expect(total('partita_rows_written_total', kind)).toBe(rows);
    expect(total('partita_bytes_written_total', kind)).toBe(bytes);
    // Every partition ran on one of the two workers, and both are idle again.
    expect(workers.every((w) => sumOf(w, 'partita_partitions_started_total', kind) > 0)).toBe(true);
    expect(total('partita_worker_slots', { state: 'busy' })).toBe(0);
  });

  it('serves the queue board at /admin/queues, listing every queue', async () => {
    const { stack } = ctx;
    const page = await fetch(`${stack.baseUrl}/admin/queues`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    // The board's own scripts load from under its path.
    const html = await page.text();
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const asset = await fetch(new URL(src, `${stack.baseUrl}/admin/queues/`));
      expect(asset.status, src).toBe(200);
    }
    const api = await fetch(`${stack.baseUrl}/admin/queues/api/queues`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['finalize', PIPELINE_RUNS_QUEUE, ...BUILTIN_QUEUES].sort());
  });
});
