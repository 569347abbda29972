import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JobView } from '@partita/contracts';
import { ApiClient } from '../support/faults-api.js';
import { useStack } from '../support/stack.js';

/**
 * A flood of large jobs: a small job submitted behind it starts at once (the queue takes jobs in turn), the API stays
 * responsive, cancelling a large job is quick and complete, and one token cannot queue more than its limit. The suite
 * runs a reduced flood; `FLOOD_JOBS=8 FLOOD_PARTITIONS=10000` gives the full scenario's figures.
 */
const JOBS = Number(process.env['FLOOD_JOBS'] ?? 4);
const PARTITIONS = Number(process.env['FLOOD_PARTITIONS'] ?? 2000);
const TOKEN = randomBytes(24).toString('base64url');
const OTHER = randomBytes(24).toString('base64url');
const LIMIT = JOBS * PARTITIONS + 1;

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

describe('fair under floods', () => {
  const ctx = useStack({
    workers: 2,
    workerMode: 'process',
    env: { API_AUTH: 'on', API_TOKENS: `flood:write:${TOKEN},other:write:${OTHER}`, MAX_QUEUED_PARTITIONS_PER_TOKEN: String(LIMIT) },
  });

  it(
    'a 1-partition job behind the flood starts within 5 s, /readyz stays fast, a large job cancels fast; the per-token limit is a 429',
    { timeout: 300_000 },
    async () => {
      const { stack } = ctx;
      const api = new ApiClient(stack.baseUrl, TOKEN);
      const noop = (partitions: number, name: string) => ({
        kind: 'noop',
        partitions,
        sleepMs: 20,
        output: { container: stack.container, prefix: name },
      });

      // /readyz sampled the whole time.
      const readyMs: number[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const t0 = performance.now();
          const res = await fetch(`${stack.baseUrl}/readyz`);
          await res.arrayBuffer();
          expect(res.status).toBe(200);
          readyMs.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();

      try {
        const flood = await Promise.all(Array.from({ length: JOBS }, (_, i) => api.submit(noop(PARTITIONS, `flood-${i}`))));
        // Over the limit: a 429 naming it, and nothing recorded.
        const over = await api.request('POST', '/jobs', noop(PARTITIONS, 'over'));
        expect(over.status, over.text).toBe(429);
        expect((over.json as { message: string }).message).toMatch(/limit of [\d,]+ per token \(MAX_QUEUED_PARTITIONS_PER_TOKEN\)/);
        expect(((await api.request('GET', '/jobs?limit=500')).json as { items: unknown[] }).items).toHaveLength(JOBS);

        // Another token's 1-partition job behind the flood.
        const submittedAt = Date.now();
        const small = await new ApiClient(stack.baseUrl, OTHER).submit(noop(1, 'small'));
        let started: JobView | undefined;
        while (!started) {
          const job = await api.getJob(small);
          if (job.partitions[0]!.status !== 'queued') started = job;
          else await new Promise((r) => setTimeout(r, 50));
          expect(Date.now() - submittedAt).toBeLessThan(30_000);
        }
        const startMs = Date.parse(started.partitions[0]!.startedAt!) - submittedAt;
        const floodDone = (await Promise.all(flood.map((id) => api.getJob(id)))).reduce((a, j) => a + j.progress.done, 0);
        // Taken in its turn: started long before the flood drained.
        expect(startMs).toBeLessThan(5000);
        expect(floodDone).toBeLessThan((JOBS * PARTITIONS) / 2);

        // Cancelling a large job: its waiting messages leave the queue in batches, and none of them runs afterwards.
        const t0 = performance.now();
        const cancel = await api.request('DELETE', `/jobs/${flood[0]}`);
        const cancelMs = performance.now() - t0;
        expect(cancel.status).toBe(200);
        await new Promise((r) => setTimeout(r, 1000));
        const cancelled = await api.getJob(flood[0]!);
        const ranAfter = cancelled.partitions.filter((p) => p.startedAt !== null && Date.parse(p.startedAt) > Date.now() - 900);
        expect(ranAfter).toEqual([]);
        expect(cancelled.partitions.filter((p) => p.status === 'cancelled').length).toBeGreaterThan(PARTITIONS / 2);

        sampling = false;
        await sampler;
        for (const id of flood.slice(1)) await api.request('DELETE', `/jobs/${id}`);
        console.log(
          `flood of ${JOBS} x ${PARTITIONS} partitions: the 1-partition job started ${startMs} ms after its submit ` +
            `(${floodDone} flood partitions done by then); /readyz p50 ${quantile(readyMs, 0.5).toFixed(1)} ms, ` +
            `p99 ${quantile(readyMs, 0.99).toFixed(1)} ms, max ${Math.max(...readyMs).toFixed(1)} ms over ${readyMs.length} calls; ` +
            `cancel of a ${PARTITIONS}-partition job ${cancelMs.toFixed(0)} ms`,
        );
        expect(quantile(readyMs, 0.5)).toBeLessThan(100);
      } finally {
        sampling = false;
        await sampler.catch(() => undefined);
      }
    },
  );
});
