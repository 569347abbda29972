import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { HEARTBEAT_LOST_MS, partitionMessageId, partitionQueueName, type PartitionPayload } from '@partita/contracts';
import { Catalog } from '@partita/catalog';
import { createRedis } from '@partita/queue';
import { createLogger } from '@partita/telemetry';
import { DATABASE_URL, REDIS_URL } from '../../../../test/support/env.js';
import { deletePrefix, uniqueName } from '../../../../test/support/isolation.js';
import { recoverQueues, recoveryAction } from './queue-recovery.js';

describe('recoveryAction', () => {
  it('leaves pending messages and live attempts alone, fails stalled-out ones, puts back what the queue lost', () => {
    const queued = { status: 'queued' as const, silentMs: null };
    const live = { status: 'running' as const, silentMs: 1_000 };
    const dead = { status: 'running' as const, silentMs: HEARTBEAT_LOST_MS + 1 };
    expect(recoveryAction(queued, 'pending')).toBe('none');
    expect(recoveryAction(dead, 'pending')).toBe('none'); // BullMQ's own stall check owns an existing message
    expect(recoveryAction(queued, 'missing')).toBe('requeue');
    expect(recoveryAction(live, 'missing')).toBe('none');
    expect(recoveryAction(dead, 'missing')).toBe('requeue');
    expect(recoveryAction(queued, 'completed')).toBe('requeue');
    expect(recoveryAction(live, 'failed')).toBe('fail');
  });
});

describe('recoverQueues (real PostgreSQL and Redis)', () => {
  const schema = uniqueName('t_rec_');
  const prefix = uniqueName('ptest-');
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const catalog = new Catalog({ connectionString: DATABASE_URL, schema });
  const QUEUE = partitionQueueName('travel-plan', 1);
  const queue = new Queue<PartitionPayload>(QUEUE, { connection, prefix });
  const queues = {
    get(name: string): Queue<PartitionPayload> {
      if (name !== QUEUE) throw new Error(`recovery asked for queue ${name}, not the job's ${QUEUE}`);
      return queue;
    },
  };
  const finalized: string[] = [];
  const deps = {
    catalog,
    queues,
    log: createLogger({ name: 'test', level: 'silent' }),
    notEnqueuedAfterMs: 0,
    finalize: async (jobId: string) => void finalized.push(jobId),
    attemptDeadAfterMs: 10_000,
  };

  beforeAll(async () => {
    await catalog.migrate();
  });
  afterAll(async () => {
    await queue.close();
    connection.disconnect();
    await deletePrefix(prefix);
    await catalog.pool.query(`drop schema "${schema}" cascade`);
    await catalog.close();
  });

  async function recordJob(partitions: number): Promise<string> {
    const id = randomUUID();
    const payload = (index: number): PartitionPayload => ({ kind: 'travel-plan', jobId: id, index, units: { ranges: [[index, index]] } });
    await catalog.jobs.create({
      id,
      kind: 'travel-plan',
      queue: QUEUE,
      spec: { retry: { attempts: 2, backoffMs: 10 } },
      output: { container: 'c', prefix: 'p' },
      itemsTotal: partitions,
      partitions: Array.from({ length: partitions }, (_, i) => ({ index: i, payload: payload(i), items: 1, estimatedCost: 1 })),
    });
    return id;
  }

  it('enqueues a job recorded but never enqueued, then puts back a message the queue lost', async () => {
    const id = await recordJob(3);
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 1, requeued: 0, failed: 0, takenOver: 0 });
    expect(await catalog.recovery.jobsNotEnqueued(0)).not.toContain(id); // stamped enqueued
    const ids = (await queue.getJobs(['wait', 'prioritized'])).map((j) => j.id).sort();
    expect(ids).toEqual([0, 1, 2].map((i) => partitionMessageId(id, i)));
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 0, requeued: 0, failed: 0, takenOver: 0 }); // nothing lost

    await queue.remove(partitionMessageId(id, 1)); // as after FLUSHALL, for one message
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 0, requeued: 1, failed: 0, takenOver: 0 });
    const back = await queue.getJob(partitionMessageId(id, 1));
    expect(back?.data).toMatchObject({ jobId: id, index: 1 });
    expect(back?.opts.attempts).toBe(2);
    await catalog.jobs.cancel(id);
    await queue.obliterate({ force: true });
  });

  it('takes a partition from an attempt whose heartbeats stopped: abandoned in the catalog, its message waiting again at once', async () => {
    const id = await recordJob(1);
    await recoverQueues(deps); // enqueues it
    // A worker takes the message and starts the attempt, then dies: its lock stays until it expires.
    const deadConnection = createRedis({ url: REDIS_URL, role: 'worker' });
    const dead = new Worker(QUEUE, () => new Promise(() => undefined), {
      connection: deadConnection,
      prefix,
      lockDuration: 60_000,
      autorun: false,
    });
    void dead.run();
    const messageId = partitionMessageId(id, 0);
    await expect.poll(async () => (await queue.getJob(messageId))?.getState(), { timeout: 10_000 }).toBe('active');
    expect(await catalog.partitions.startOne({ jobId: id, index: 0 }, 'dead-worker')).toMatchObject({ run: { attempt: 1 } });
    await dead.close(true);
    deadConnection.disconnect();
    // Beating until 5 s ago: alive for a 10 s threshold.
    await catalog.pool.query(`update partitions set heartbeat_at = clock_timestamp() - interval '5 seconds' where job_id = $1`, [id]);
    expect(await recoverQueues(deps)).toMatchObject({ takenOver: 0 });
    expect(await queue.getJob(messageId).then((j) => j?.getState())).toBe('active');
    // Silent for 11 s: dead.
    await catalog.pool.query(`update partitions set heartbeat_at = clock_timestamp() - interval '11 seconds' where job_id = $1`, [id]);
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 0, requeued: 0, failed: 0, takenOver: 1 });
    expect(await queue.getJob(messageId).then((j) => j?.getState())).toBe('prioritized');
    const job = await catalog.jobs.get(id);
    expect(job?.partitions[0]).toMatchObject({ status: 'queued', attempts: 1 });
    const { rows } = await catalog.pool.query('select attempt, outcome from attempts where job_id = $1', [id]);
    expect(rows).toEqual([{ attempt: 1, outcome: 'abandoned' }]);
    // The dead attempt's late report is fenced off; the next attempt runs.
    await catalog.partitions.heartbeat({ jobId: id, index: 0, attempt: 1 });
    expect((await catalog.jobs.get(id))?.partitions[0]?.status).toBe('queued');
    expect(await catalog.partitions.startOne({ jobId: id, index: 0 }, 'w2')).toMatchObject({ run: { attempt: 2 } });
    await catalog.jobs.cancel(id);
    await queue.obliterate({ force: true });
  });

  it('fails a partition whose message failed without the catalog hearing of it, and asks to finalise', async () => {
    const id = await recordJob(1);
    await recoverQueues(deps); // enqueues it
    // A consumer that never records anything in the catalog: the message fails on its own, as a stalled-out one does.
    const worker = new Worker(QUEUE, async () => Promise.reject(new UnrecoverableError('job stalled more than allowable limit')), {
      connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
      prefix,
    });
    await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await worker.close();
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 0, requeued: 0, failed: 1, takenOver: 0 });
    const job = await catalog.jobs.get(id);
    expect(job?.partitions[0]).toMatchObject({ status: 'failed', error: { code: 'PARTITA_ERR_LOST' } });
    expect(job?.partitions[0]?.error?.message).toContain('job stalled more than allowable limit');
    expect(finalized).toEqual([id]);
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 0, requeued: 0, failed: 0, takenOver: 0 });
  });
});
