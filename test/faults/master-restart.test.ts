import pg from 'pg';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { FINALIZE_QUEUE, type DatasetHistory, type JobView } from '@partita/contracts';
import { DATABASE_URL } from '../support/env.js';
import { useStack, type TestStack } from '../support/stack.js';
import { expectSameOutput, extractKey, travelKey } from './expect-output.js';
import { useSourceTable } from './source-table.js';
import { extractSpec, travelSpec } from './specs.js';
import { until, waitForJobWithLiveWorkers } from './watch.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The stack's RECONCILE_INTERVAL_MS. */
const RECONCILE_MS = 500;

/** A job's row and its partitions' statuses straight from the catalog: readable while no master runs. */
async function catalogState(stack: TestStack, id: string): Promise<{ status: string; manifest: string | null; partitions: string[] }> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const job = await client.query<{ status: string; manifest: string | null }>(
      `select status, manifest_path as manifest from "${stack.schema}".jobs where id = $1`,
      [id],
    );
    const parts = await client.query<{ status: string }>(`select status from "${stack.schema}".partitions where job_id = $1 order by idx`, [
      id,
    ]);
    return { ...job.rows[0]!, partitions: parts.rows.map((r) => r.status) };
  } finally {
    await client.end();
  }
}

/** Finalise messages waiting on the stack's queue for a master to take them. */
async function finalizeMessagesWaiting(stack: TestStack): Promise<number> {
  const connection = new Redis(stack.env['REDIS_URL']!, { maxRetriesPerRequest: null });
  const queue = new Queue(FINALIZE_QUEUE, { connection, prefix: stack.prefix });
  try {
    const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed');
    return Object.values(counts).reduce((a, n) => a + n, 0);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** The job was finalised: its dataset is registered with the manifest the job names. */
async function expectRegistered(stack: TestStack, job: JobView, dataset: string): Promise<void> {
  const res = await stack.master.app.inject({ method: 'GET', url: `/datasets/${dataset}` });
  expect(res.statusCode).toBe(200);
  const history = res.json<DatasetHistory>();
  expect(history.versions.find((v) => v.jobId === job.id)).toMatchObject({ manifest: job.output.manifest, container: stack.container });
}

describe('the master restarted mid travel job', () => {
  const ctx = useStack({ workers: 2 });

  it('jobs in flight finish and the new master finalises them; the output is the clean run', { timeout: 90_000 }, async () => {
    const { stack } = ctx;
    const spec = travelSpec(stack.container, 'fault-master', { dataset: { name: 'restart-travel' } });
    const clean = await stack.waitForJob(await stack.submit(spec));
    const id = await stack.submit(spec);
    await until('one partition ended and one still open', async () => {
      const { partitions } = await stack.getJob(id);
      const open = partitions.filter((p) => p.status === 'queued' || p.status === 'running').length;
      return partitions.some((p) => p.status === 'succeeded') && open >= 1 ? true : undefined;
    });
    await stack.restartMaster();
    const job = await waitForJobWithLiveWorkers(stack, id);
    await expectSameOutput(stack, job, clean, travelKey);
    await expectRegistered(stack, job, 'restart-travel');
  });

  it(
    'stopped longer than the reconcile interval while the last partitions end: the new master finalises',
    { timeout: 90_000 },
    async () => {
      const { stack } = ctx;
      const spec = travelSpec(stack.container, 'fault-master', { dataset: { name: 'restart-late' } });
      const clean = await stack.waitForJob(await stack.submit(spec));
      const id = await stack.submit(spec);
      await until('the last partitions running', async () => {
        const { partitions } = await stack.getJob(id);
        return partitions.every((p) => p.status !== 'queued') && partitions.some((p) => p.status === 'running') ? true : undefined;
      });
      await stack.restartMaster(async () => {
        // No master at all: the workers end the last partitions and leave their finalise message on the queue.
        await until('every partition ended', async () => {
          const { partitions } = await catalogState(stack, id);
          return partitions.every((s) => s === 'succeeded') ? true : undefined;
        });
        await sleep(3 * RECONCILE_MS);
        expect(await catalogState(stack, id)).toMatchObject({ status: 'running', manifest: null });
        expect(await finalizeMessagesWaiting(stack)).toBeGreaterThanOrEqual(1);
      });
      const job = await waitForJobWithLiveWorkers(stack, id);
      await expectSameOutput(stack, job, clean, travelKey);
      await expectRegistered(stack, job, 'restart-late');
    },
  );
});

describe('the master restarted mid extract', () => {
  const ROWS = 200_000;
  const source = useSourceTable(ROWS);
  const ctx = useStack({ workers: 2 });

  it(
    'chunks under way finish in the job snapshot, chunks not yet run read their own; the output is exact',
    { timeout: 90_000 },
    async () => {
      const { stack } = ctx;
      const spec = extractSpec(stack.container, 'fault-master', source.table, 'restart-extract', 4);
      const clean = await stack.waitForJob(await stack.submit(spec));
      const id = await stack.submit(spec);
      // The rows in the snapshot are counted, a chunk has streamed rows, and two chunks have not started.
      const streaming = await until('a chunk streaming and two waiting', async () => {
        const job = await stack.getJob(id);
        const running = job.partitions.find((p) => p.status === 'running' && p.itemsDone > 0);
        const waiting = job.partitions.filter((p) => p.status === 'queued').length;
        return job.extract?.completeness.sourceRows !== null && running && waiting >= 2 ? running.index : undefined;
      });
      // The waiting chunks stay waiting until the master is back, however slowly it stops (the queue is paused; the
      // running chunk goes on).
      await stack.pauseWorkers();
      let notStarted: number[] = [];
      await stack.restartMaster(async () => {
        // The snapshot's transaction ended with the old master: whatever has not started by now cannot read it.
        notStarted = (await catalogState(stack, id)).partitions.flatMap((s, i) => (s === 'queued' ? [i] : []));
      });
      await stack.resumeWorkers();
      const job = await waitForJobWithLiveWorkers(stack, id);
      await expectSameOutput(stack, job, clean, extractKey('id'), { exact: true });
      await expectRegistered(stack, job, 'restart-extract');

      const snapshot = job.extract!.snapshot;
      expect(notStarted.length).toBeGreaterThanOrEqual(1);
      expect(snapshot.mode).toBe('per-chunk');
      expect(snapshot.note).toMatch(/snapshot of its own|read its own/);
      expect(snapshot.ownSnapshotChunks).toEqual(job.partitions.filter((p) => p.ownSnapshot).map((p) => p.index));
      expect(snapshot.ownSnapshotChunks).toEqual(expect.arrayContaining(notStarted));
      expect(snapshot.ownSnapshotChunks).not.toContain(streaming);
      expect(job.partitions.find((p) => p.index === streaming)?.attempts).toBe(1);
      expect(job.extract?.completeness).toEqual({ sourceRows: ROWS, rowsWritten: ROWS, complete: true });
    },
  );
});
