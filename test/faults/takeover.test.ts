import type { ChildProcess } from 'node:child_process';
import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '@partita/contracts';
import { readAttempts } from '../support/results.js';
import { useStack } from '../support/stack.js';
import { expectSameOutput, extractKey } from './expect-output.js';
import { useSourceTable } from './source-table.js';
import { extractSpec } from './specs.js';
import { until, waitForJobWithLiveWorkers } from './watch.js';

/** The figure the takeover must meet: a killed worker's partition runs again within this, the queue lock notwithstanding. */
const TAKEOVER_MS = 15_000;

/**
 * A worker killed with SIGKILL mid-chunk, with the queue's default 30 s lock: the catalog's heartbeats tell the
 * master the attempt died, and its partition runs again within 15 s; the status never shows the dead attempt running
 * longer than that; nothing the dead attempt wrote or staged stays in storage.
 */
describe('fast takeover of a killed worker, by heartbeats', () => {
  const source = useSourceTable(300_000);
  // Three workers: one to kill, two to run the chunks, one of them free to take the dead one's over.
  const ctx = useStack({ workers: 3 });

  it(
    'the chunk runs again within 15 s, the dead attempt is not shown running past that, and no blob of it remains',
    { timeout: 120_000 },
    async () => {
      const { stack } = ctx;
      const spec = extractSpec(stack.container, 'takeover', source.table, `takeover-${source.schema}`, 2);
      const clean = await stack.waitForJob(await stack.submit(spec));
      const id = await stack.submit(spec);
      const victim = await until('a chunk streaming on a worker', async () =>
        (await stack.getJob(id)).partitions.find((p) => p.status === 'running' && p.itemsDone > 0 && p.workerId !== null),
      );
      const worker = stack.workerProcesses[Number(victim.workerId!.slice(1)) - 1] as ChildProcess;
      await new Promise<void>((resolve) => (worker.once('exit', () => resolve()), worker.kill('SIGKILL')));
      const killedAt = Date.now();

      // Watch the status: when the dead attempt stops showing as running, and when the next one starts.
      let deadShownMs = 0;
      const takenOverMs = await until(
        'the next attempt of the killed chunk',
        async () => {
          const p = (await stack.getJob(id)).partitions.find((q) => q.index === victim.index)!;
          if (p.status === 'running' && p.attempts === victim.attempts) deadShownMs = Date.now() - killedAt;
          return p.attempts > victim.attempts ? Date.now() - killedAt : undefined;
        },
        60_000,
        100,
      );
      console.log(
        `takeover: the killed chunk ran again ${takenOverMs} ms after SIGKILL; its dead attempt was shown running for ${deadShownMs} ms`,
      );
      expect(takenOverMs).toBeLessThan(TAKEOVER_MS);
      expect(deadShownMs).toBeLessThan(TAKEOVER_MS);

      const survivors = stack.workerProcesses.filter((c) => c !== worker);
      const job = await waitForJobWithLiveWorkers(stack, id, 90_000, survivors);
      await expectSameOutput(stack, job, clean, extractKey('id'), { exact: true });
      const attempts = (await readAttempts(stack, id)).filter((a) => a.index === victim.index);
      expect(attempts[0]).toMatchObject({ workerId: victim.workerId, outcome: 'abandoned' });
      expect(attempts.at(-1)).toMatchObject({ outcome: 'succeeded' });

      // Storage holds exactly the manifest and the files it names: the dead attempt's committed files and its staged,
      // uncommitted blocks are gone.
      const manifest = JSON.parse((await stack.store.get(stack.container, job.output.manifest!)).toString()) as Manifest;
      const dir = job.output.manifest!.slice(0, job.output.manifest!.lastIndexOf('/') + 1);
      const everything = (await stack.store.list(stack.container, dir, { uncommitted: true })).map((b) => b.path).sort();
      expect(everything).toEqual([job.output.manifest!, ...manifest.files.map((f) => f.path)].sort());
    },
  );

  it('blocks an attempt staged and never committed are removed at fan-in, with its committed leftovers', { timeout: 60_000 }, async () => {
    const { stack } = ctx;
    await stack.pauseWorkers();
    const id = await stack.submit(extractSpec(stack.container, 'staged', source.table, `staged-${source.schema}`, 2));
    // What a killed attempt leaves mid-upload: a name in the job's directory holding only uncommitted blocks.
    await stack.store.ensureContainer(stack.container);
    const dir = `staged/staged-${source.schema}/${id}/`;
    const blob = BlobServiceClient.fromConnectionString(stack.env['AZURE_STORAGE_CONNECTION_STRING']!)
      .getContainerClient(stack.container)
      .getBlockBlobClient(`${dir}part-00000-a9-00000.parquet`);
    await blob.stageBlock(Buffer.from('block-0').toString('base64'), Buffer.alloc(1024, 7), 1024);
    expect((await stack.store.list(stack.container, dir, { uncommitted: true })).map((b) => b.path)).toEqual([blob.name]);
    expect(await stack.store.list(stack.container, dir)).toEqual([]); // invisible to a plain listing
    await stack.resumeWorkers();
    const job = await stack.waitForJob(id);
    expect(job.status).toBe('succeeded');
    const manifest = JSON.parse((await stack.store.get(stack.container, job.output.manifest!)).toString()) as Manifest;
    const everything = (await stack.store.list(stack.container, dir, { uncommitted: true })).map((b) => b.path).sort();
    expect(everything).toEqual([job.output.manifest!, ...manifest.files.map((f) => f.path)].sort());
  });
});
