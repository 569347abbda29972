import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  HEARTBEAT_LOST_MS,
  JOB_KINDS,
  partitionMessageId,
  partitionQueueName,
  type JobKind,
  type PartitionPayload,
} from '@partita/contracts';
import { Catalog } from '@partita/catalog';
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
  const queues = Object.fromEntries(
    JOB_KINDS.map((k) => [k, new Queue<PartitionPayload>(partitionQueueName(k), { connection, prefix })]),
  ) as {
    [K in JobKind]: Queue<PartitionPayload>;
  };
  const queue = queues['travel-plan'];
  const finalized: string[] = [];
  const deps = {
    catalog,
    queues,
    log: createLogger({ name: 'test', level: 'silent' }),
    notEnqueuedAfterMs: 0,
    finalize: async (jobId: string) => void finalized.push(jobId),
  };

  beforeAll(async () => {
    await catalog.migrate();
  });
  afterAll(async () => {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    connection.disconnect();
    await deletePrefix(prefix);
    await catalog.pool.query(`drop schema "${schema}" cascade`);
    await catalog.close();
  });

  async function recordJob(partitions: number): Promise<string> {
    const id = randomUUID();
    const payload = (index: number): PartitionPayload => ({ kind: 'travel-plan', jobId: id, index, groups: { ranges: [[index, index]] } });
    await catalog.createJob({
      id,
      kind: 'travel-plan',
      spec: { retry: { attempts: 2, backoffMs: 10 } },
      output: { container: 'c', prefix: 'p' },
      itemsTotal: partitions,
      partitions: Array.from({ length: partitions }, (_, i) => ({ index: i, payload: payload(i), items: 1, estimatedCost: 1 })),
    });
    return id;
  }

  it('enqueues a job recorded but never enqueued, then puts back a message the queue lost', async () => {
    const id = await recordJob(3);
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 1, requeued: 0, failed: 0 });
    expect(await catalog.jobsNotEnqueued(0)).not.toContain(id); // stamped enqueued
    const ids = (await queue.getJobs(['wait'])).map((j) => j.id).sort();
    expect(ids).toEqual([0, 1, 2].map((i) => partitionMessageId(id, i)));
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 0, requeued: 0, failed: 0 }); // nothing lost

    await queue.remove(partitionMessageId(id, 1)); // as after FLUSHALL, for one message
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 0, requeued: 1, failed: 0 });
    const back = await queue.getJob(partitionMessageId(id, 1));
    expect(back?.data).toMatchObject({ jobId: id, index: 1 });
    expect(back?.opts.attempts).toBe(2);
    await catalog.cancelJob(id);
    await queue.obliterate({ force: true });
  });

  it('fails a partition whose message failed without the catalog hearing of it, and asks to finalise', async () => {
    const id = await recordJob(1);
    await recoverQueues(deps); // enqueues it
    // A consumer that never records anything in the catalog: the message fails on its own, as a stalled-out one does.
    const worker = new Worker(
      partitionQueueName('travel-plan'),
      async () => Promise.reject(new UnrecoverableError('job stalled more than allowable limit')),
      {
        connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
        prefix,
      },
    );
    await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await worker.close();
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 0, requeued: 0, failed: 1 });
    const job = await catalog.getJob(id);
    expect(job?.partitions[0]).toMatchObject({ status: 'failed', error: { code: 'PARTITA_ERR_LOST' } });
    expect(job?.partitions[0]?.error?.message).toContain('job stalled more than allowable limit');
    expect(finalized).toEqual([id]);
    expect(await recoverQueues(deps)).toEqual({ enqueuedJobs: 0, requeued: 0, failed: 0 });
  });
});
