import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiError, JobAccepted, type JobView, type PartitionView } from '@partita/contracts';
import { generateGroup, generateRoute } from '@partita/travel';
import { ApiClient, type ApiAnswer } from '../support/faults-api.js';
import { loadTravelTables } from '../support/faults-source.js';
import { useSourceSchema } from '../support/source-schema.js';
import { readJobResult, readTravelResult } from '../support/results.js';
import { useStack, type TestStack } from '../support/stack.js';
import { checkTravelRows } from '../support/travel-check.js';

const SEED = 17;

function expectApiError(answer: ApiAnswer, status: number, code: string): void {
  expect(answer.status, answer.text).toBe(status);
  const body = ApiError.parse(answer.json);
  expect(body).toMatchObject({ statusCode: status, code });
}

/** What a retry must leave alone on a partition that had already succeeded. */
function unchanged(p: PartitionView) {
  return { status: p.status, attempts: p.attempts, workerId: p.workerId, files: p.files, startedAt: p.startedAt, finishedAt: p.finishedAt };
}

/** The job's error names the failed partition (`… failed (2); partition 2 …`). */
function expectErrorNames(job: JobView, index: number): void {
  expect(job.error?.message).toMatch(new RegExp(`\\(${index}\\)|partition ${index}\\b`));
}

async function attemptOutcomes(stack: TestStack, jobId: string, index: number): Promise<string[]> {
  const { rows } = await stack.master.catalog.pool.query<{ outcome: string }>(
    'select outcome from attempts where job_id = $1 and idx = $2 order by attempt',
    [jobId, index],
  );
  return rows.map((r) => r.outcome);
}

/** Rows in a canonical order, to compare two runs' outputs. */
const canonical = (rows: readonly Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

/**
 * Retries a failed job by hand (202). With the workers paused the retried partition waits, so a second call finds the
 * job running: 409. Returns the job once it ended.
 */
async function retryAfterFix(stack: TestStack, api: ApiClient, id: string): Promise<JobView> {
  await stack.pauseWorkers();
  const accepted = await api.request('POST', `/jobs/${id}/retry`);
  expect(accepted.status, accepted.text).toBe(202);
  expect(JobAccepted.parse(accepted.json)).toEqual({ id, status: 'running' });
  expectApiError(await api.request('POST', `/jobs/${id}/retry`), 409, 'PARTITA_ERR_CONFLICT');
  expect((await api.getJob(id)).status).toBe('running');
  await stack.resumeWorkers();
  return api.waitForJob(id);
}

describe('a poison partition fails alone with its error; POST /jobs/:id/retry runs only it again once the cause is gone', () => {
  // The source schema before the stack: the stack (which may hold snapshots of the source) closes first.
  const source = useSourceSchema();
  const ctx = useStack({ workers: 2, workerMode: 'in-process' });

  it('travel: one group whose rows always fail with a retryable SQLSTATE (57P03)', async () => {
    const { stack } = ctx;
    const api = new ApiClient(stack.baseUrl);
    const s = source.schema;
    const groups = Array.from({ length: 16 }, (_, i) => generateGroup(SEED, i));
    const poison = groups[5]!.id;
    await loadTravelTables(source, groups, SEED, 'people');
    // Reading the person of the poison group raises "cannot connect now", which the worker classes as transient.
    const personFunction = (raising: boolean) => `
      create or replace function ${s}.person_name(g text, p text) returns text language plpgsql stable as $$
      begin
        ${raising ? `if g = '${poison}' then raise exception 'the rows of group % cannot be read now', g using errcode = '57P03'; end if;` : ''}
        return p;
      end $$`;
    await source.sql(personFunction(true));
    await source.sql(
      `create view ${s}.travellers as
         select group_id, ${s}.person_name(group_id, person) as person, home_airport, destination from ${s}.people`,
    );
    const spec = {
      kind: 'travel-plan',
      input: { postgres: { travellers: `${s}.travellers`, flights: `${s}.flights` } },
      optimizer: { algorithm: 'annealing' },
      partitioner: 'round-robin',
      partitions: 4,
      retry: { attempts: 3, backoffMs: 100 },
      output: { container: stack.container, prefix: 'poison' },
    };

    const id = await api.submit(spec);
    const failed = await api.waitForJob(id);
    expect(failed.status).toBe('failed');
    const { rows: holder } = await stack.master.catalog.pool.query<{ idx: number }>(
      `select idx from partitions where job_id = $1 and payload->'units'->'keys' ? jsonb_build_array($2::text)::text`,
      [id, poison],
    );
    expect(holder).toHaveLength(1);
    const poisonIndex = holder[0]!.idx;
    expect(failed.partitions).toHaveLength(4);
    for (const p of failed.partitions) {
      if (p.index === poisonIndex) {
        expect(p).toMatchObject({
          status: 'failed',
          attempts: 3,
          files: [],
          error: {
            // The job's status names the condition, never the values in the database's message (those go to the log).
            message: expect.stringMatching(/^source database: operator intervention \(SQLSTATE 57P03; the values involved are not shown/),
            code: expect.any(String),
            retryable: true,
          },
        });
      } else {
        expect(p, `partition ${p.index}`).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
        expect(p.files).toHaveLength(1);
      }
    }
    expect(await attemptOutcomes(stack, id, poisonIndex)).toEqual(['failed', 'failed', 'failed']);
    expectErrorNames(failed, poisonIndex);
    expect(failed.output.manifest).toBeNull();

    expectApiError(await api.request('POST', `/jobs/${randomUUID()}/retry`), 404, 'PARTITA_ERR_NOT_FOUND');
    await source.sql(personFunction(false));
    const done = await retryAfterFix(stack, api, id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.error).toBeNull();
    for (const p of done.partitions) {
      if (p.index === poisonIndex) {
        expect(p).toMatchObject({ status: 'succeeded', attempts: 4, error: null });
        expect(p.files).toHaveLength(1);
      } else {
        expect(unchanged(p), `partition ${p.index}`).toEqual(unchanged(failed.partitions[p.index]!));
      }
    }
    expect(await attemptOutcomes(stack, id, poisonIndex)).toEqual(['failed', 'failed', 'failed', 'succeeded']);

    const { manifest, rows } = await readTravelResult(stack, done);
    expect(manifest.files.map((f) => f.partition).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    for (const f of manifest.files) expect([f.path]).toEqual(done.partitions[f.partition]!.files.map((pf) => pf.path));
    checkTravelRows(rows, groups, (o, d) => generateRoute(SEED, o, d));

    // The same spec run cleanly gives the same rows.
    const clean = await api.waitForJob(await api.submit(spec));
    expect(clean.status).toBe('succeeded');
    expect(canonical(rows as unknown as Record<string, unknown>[])).toEqual(
      canonical((await readTravelResult(stack, clean)).rows as unknown as Record<string, unknown>[]),
    );

    // A succeeded job has nothing to retry.
    expectApiError(await api.request('POST', `/jobs/${id}/retry`), 409, 'PARTITA_ERR_CONFLICT');
  });

  it('extract: one chunk whose rows fail with a permanent SQLSTATE (22012) fails at once', async () => {
    const { stack } = ctx;
    const api = new ApiClient(stack.baseUrl);
    const s = source.schema;
    const poisonId = 1234;
    await source.sql(`create table ${s}.orders (id int primary key, amount numeric(12,2) not null, note text)`);
    await source.sql(`insert into ${s}.orders select g, g / 100.0, md5(g::text) from generate_series(1, 2000) g`);
    await source.sql(`analyze ${s}.orders`);
    const ratioFunction = (raising: boolean) => `
      create or replace function ${s}.ratio(k int) returns double precision language plpgsql stable parallel safe as $$
      begin
        ${raising ? `if k = ${poisonId} then raise exception 'order % has no price', k using errcode = '22012'; end if;` : ''}
        return k / 7.0;
      end $$`;
    await source.sql(ratioFunction(true));
    const spec = {
      kind: 'sql-extract',
      source: { query: `select id, amount, note, ${s}.ratio(id) as ratio from ${s}.orders`, key: 'id' },
      chunks: { count: 4 },
      output: { container: stack.container, prefix: 'poison-extract' },
      dataset: { name: 'poison-orders' },
      retry: { attempts: 3, backoffMs: 100 },
    };

    const id = await api.submit(spec);
    const failed = await api.waitForJob(id);
    expect(failed.status).toBe('failed');
    expect(failed.partitions).toHaveLength(4);
    const bad = failed.partitions.filter((p) => p.status === 'failed');
    expect(bad).toHaveLength(1);
    const poisonIndex = bad[0]!.index;
    expect(bad[0]).toMatchObject({
      attempts: 1, // a permanent error is not retried
      error: {
        message: expect.stringMatching(/^source database: division_by_zero \(SQLSTATE 22012; the values involved are not shown/),
        code: expect.any(String),
        retryable: false,
      },
    });
    for (const p of failed.partitions.filter((q) => q.index !== poisonIndex)) {
      expect(p, `chunk ${p.index}`).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    }
    expect(await attemptOutcomes(stack, id, poisonIndex)).toEqual(['failed']);
    expectErrorNames(failed, poisonIndex);
    expect(failed.output.manifest).toBeNull();

    await source.sql(ratioFunction(false));
    const done = await retryAfterFix(stack, api, id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    for (const p of done.partitions) {
      if (p.index === poisonIndex) expect(p).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
      else expect(unchanged(p), `chunk ${p.index}`).toEqual(unchanged(failed.partitions[p.index]!));
    }
    expect(await attemptOutcomes(stack, id, poisonIndex)).toEqual(['failed', 'succeeded']);

    const { manifest, rows } = await readJobResult(stack, done);
    expect(new Set(manifest.files.map((f) => f.partition))).toEqual(new Set([0, 1, 2, 3]));
    const named = new Set(manifest.files.map((f) => f.path));
    expect(named).toEqual(new Set(done.partitions.flatMap((p) => p.files.map((f) => f.path))));
    const ids = rows.map((r) => Number(r['id'])).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    const poisonRow = rows.find((r) => Number(r['id']) === poisonId);
    expect(poisonRow?.['ratio']).toBeCloseTo(poisonId / 7, 9);

    const clean = await api.waitForJob(await api.submit(spec));
    expect(clean.status).toBe('succeeded');
    const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a['id']) - Number(b['id']);
    expect([...rows].sort(byId)).toEqual([...(await readJobResult(stack, clean)).rows].sort(byId));

    expectApiError(await api.request('POST', `/jobs/${id}/retry`), 409, 'PARTITA_ERR_CONFLICT');
  });
});
