import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '@partita/azurite';
import { freePort } from '../support/ports.js';
import { useStack } from '../support/stack.js';
import { expectSameOutput, travelKey } from './expect-output.js';
import { travelSpec } from './specs.js';
import { until, waitForJobWithLiveWorkers } from './watch.js';

/** Storage is unreachable from the stop until the restarted Azurite listens again: about this long. */
const OUTAGE_MS = 12_000;

describe('Blob Storage unavailable for 12 s mid-job', () => {
  // A private Azurite on a fixed port with its data on disk: stopped and started again, it keeps what it held.
  const azurite: { handle?: AzuriteHandle; port: number; location: string; startMs: number } = { port: 0, location: '', startMs: 0 };
  const start = async () => {
    const t0 = Date.now();
    azurite.handle = await startAzurite({ port: azurite.port, location: azurite.location });
    azurite.startMs = Date.now() - t0;
  };
  beforeAll(async () => {
    azurite.location = await mkdtemp(join(tmpdir(), 'partita-azurite-'));
    azurite.port = await freePort();
    await start();
  });
  afterAll(async () => {
    await azurite.handle?.stop();
    await rm(azurite.location, { recursive: true, force: true });
  });
  const ctx = useStack(() => ({ workers: 2, env: { AZURE_STORAGE_CONNECTION_STRING: azurite.handle!.connectionString } }));

  it('uploads are retried with backoff and the job completes with the clean run output', { timeout: 120_000 }, async ({ annotate }) => {
    const { stack } = ctx;
    const spec = travelSpec(stack.container, 'fault-blob', {
      input: { generate: { groups: 160, seed: 11 } },
      optimizer: { algorithm: 'genetic', restarts: 4 },
      partitions: 8,
      retry: { attempts: 5, backoffMs: 1000 },
    });
    const clean = await stack.waitForJob(await stack.submit(spec));
    const id = await stack.submit(spec);
    await until('one partition written and two waiting', async () => {
      const { partitions } = await stack.getJob(id);
      const waiting = partitions.filter((p) => p.status === 'queued').length;
      return partitions.some((p) => p.status === 'succeeded') && waiting >= 2 ? true : undefined;
    });
    await azurite.handle!.stop();
    const down = Date.now();
    expect((await stack.getJob(id)).status).toBe('running');
    // Started again early by as long as its first start took, so that the outage stays near OUTAGE_MS on a busy machine.
    await new Promise((r) => setTimeout(r, Math.max(OUTAGE_MS - azurite.startMs, OUTAGE_MS / 2)));
    await start();
    const up = Date.now();

    const job = await waitForJobWithLiveWorkers(stack, id, 90_000);
    expect(Date.parse(job.finishedAt!)).toBeGreaterThan(up - 1000); // its manifest could only be written once storage was back
    await expectSameOutput(stack, job, clean, travelKey);
    // The outage hit work in flight: a partition ended after it, having started before it or been retried.
    const hit = job.partitions.filter((p) => Date.parse(p.finishedAt!) > up && (p.attempts > 1 || Date.parse(p.startedAt!) < up));
    expect(hit.length).toBeGreaterThanOrEqual(1);
    const attempts = job.partitions.map((p) => p.attempts);
    await annotate(
      `storage down ${up - down} ms; job wall ${Math.round(job.timings.wallMs)} ms (clean run ${Math.round(clean.timings.wallMs)} ms); ` +
        `attempts per partition ${JSON.stringify(attempts)}`,
    );
  });
});
