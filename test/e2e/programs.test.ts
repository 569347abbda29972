import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { JobView, PipelineRunView } from '@partita/contracts';
import { api } from '../support/faults-api.js';
import { readJobResult } from '../support/results.js';
import { useSourceSchema } from '../support/source-schema.js';
import { useProgramsStack } from '../support/programs-stack.js';

const PROGRAMS = fileURLToPath(new URL('../fixtures/programs/programs.yaml', import.meta.url));

describe('programs: registered scripts (Python) run once per partition through the program protocol', () => {
  const source = useSourceSchema();
  const shared = useProgramsStack(PROGRAMS);

  const run = async (spec: Record<string, unknown>, prefix: string): Promise<JobView> =>
    shared.stack.waitForJob(await shared.stack.submit({ kind: 'program', ...spec, output: { container: shared.stack.container, prefix } }));

  it('runs a program over a grid: its JSON lines become typed Parquet rows; params reach it, progress comes back', async () => {
    const job = await run({ program: 'square', params: { scale: 3 }, input: { grid: { x: [1, 2, 3, 4, 5, 6] } }, partitions: 3 }, 'square');
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.progress).toMatchObject({ itemsDone: 6, itemsTotal: 6 });
    const { manifest, rows } = await readJobResult(shared.stack, job, { exact: true });
    expect(manifest.schema.map((c) => `${c.name}:${c.type}`)).toEqual(['x:INT32', 'y:INT64', 'attempt:INT32', 'at:TIMESTAMP_MICROS']);
    const byX = [...rows].sort((a, b) => (a['x'] as number) - (b['x'] as number));
    expect(byX.map((r) => r['x'])).toEqual([1, 2, 3, 4, 5, 6]);
    // 64-bit integers beyond 2^53 arrive exact (as strings), timestamps with their microseconds.
    expect(byX.map((r) => String(r['y']))).toEqual([1, 4, 9, 16, 25, 36].map((v) => String(BigInt(v * 3) * 10n ** 12n)));
    expect(byX.every((r) => r['at'] === 1767323045123456n && r['attempt'] === 1)).toBe(true);
  });

  it('feeds whole groups of a table, contiguous, with their keys, read in the job’s snapshot', async () => {
    const table = `${source.schema}.sales`;
    await source.sql(`create table ${table} (id int, g text, v numeric(12,2))`);
    await source.sql(`insert into ${table} select i, 'g' || (i % 5), i * 1.25 from generate_series(1, 1000) as i`);
    const job = await run({ program: 'group-sum', input: { groupsOf: { table, by: ['g'] } }, partitions: 2 }, 'groups');
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const { rows } = await readJobResult(shared.stack, job);
    const expected = await source.sql(`select g, count(*)::int as n, sum(v)::text as total from ${table} group by g order by g`);
    expect([...rows].sort((a, b) => String(a['g']).localeCompare(String(b['g'])))).toEqual(expected.rows);
  });

  it('runs a program written with the Python helper: whole groups, decimals exact', async () => {
    const table = `${source.schema}.sales`;
    await source.sql(`create table ${table} (id int, g text, v numeric(12,2))`);
    await source.sql(`insert into ${table} select i, 'g' || (i % 3), i * 0.01 from generate_series(1, 300) as i`);
    const job = await run({ program: 'group-mean', input: { groupsOf: { table, by: ['g'] } }, partitions: 2 }, 'mean');
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const { rows } = await readJobResult(shared.stack, job);
    const expected = await source.sql(
      `select g, count(*)::int as n, (sum(v) / count(*))::text as mean from ${table} group by g order by g`,
    );
    const sorted = [...rows].sort((a, b) => String(a['g']).localeCompare(String(b['g'])));
    expect(sorted.map((r) => [r['g'], r['n'], Number(r['mean'])])).toEqual(expected.rows.map((r) => [r.g, r.n, Number(r.mean)]));
  });

  it('retries a program that exits 75, and fails for good on any other code with the end of its stderr, publishing nothing', async () => {
    const flaky = await run({ program: 'flaky', input: { range: 1 }, retry: { attempts: 3, backoffMs: 10 } }, 'flaky');
    expect(flaky.status, JSON.stringify(flaky.error)).toBe('succeeded');
    expect(flaky.partitions[0]!.attempts).toBe(2);
    expect((await readJobResult(shared.stack, flaky)).rows).toEqual([{ x: 1, attempt: 2 }]);

    const fails = await run({ program: 'fails', input: { range: 1 }, retry: { attempts: 3, backoffMs: 10 } }, 'fails');
    expect(fails.status).toBe('failed');
    const error = fails.partitions[0]!.error!;
    expect(fails.partitions[0]!.attempts).toBe(1);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^program fails exited with code 3; stderr ends with: .*ValueError: the column 'price' has negative values$/s,
    );
    expect(error.message.length).toBeLessThan(4096 + 200);
    expect(await shared.stack.store.list(shared.stack.container, 'fails/')).toEqual([]);
  });

  it('stops a program that hangs at its timeout, and refuses output that is not JSON or does not fit a column, naming it', async () => {
    const hangs = await run({ program: 'hangs', input: { range: 1 }, retry: { attempts: 1, backoffMs: 10 } }, 'hangs');
    expect(hangs.status).toBe('failed');
    expect(hangs.partitions[0]!.error!.message).toMatch(/^program hangs timed out after 1 s \(timeoutSeconds\)/);
    expect(hangs.partitions[0]!.runMs).toBeLessThan(8000);

    const garbage = await run({ program: 'garbage', input: { range: 1 }, retry: { attempts: 2, backoffMs: 10 } }, 'garbage');
    expect(garbage.partitions[0]).toMatchObject({ attempts: 1, error: { retryable: false } });
    expect(garbage.partitions[0]!.error!.message).toBe('output line 1 is not JSON: this is not JSON');

    const bad = await run({ program: 'bad-value', input: { range: 1 }, retry: { attempts: 2, backoffMs: 10 } }, 'bad');
    expect(bad.partitions[0]!.error!.message).toBe('output line 2, column "x": "seven" must be a number (INT32)');
    for (const prefix of ['hangs/', 'garbage/', 'bad/']) expect(await shared.stack.store.list(shared.stack.container, prefix)).toEqual([]);
  });

  it('a program that floods stderr, ignores its input or writes too much each ends with a clear error or its own result', async () => {
    const floods = await run({ program: 'floods', input: { range: 1 }, retry: { attempts: 2, backoffMs: 10 } }, 'floods');
    expect(floods.partitions[0]).toMatchObject({ attempts: 1, error: { retryable: false } });
    const said = floods.partitions[0]!.error!.message;
    expect(said).toMatch(/^program floods exited with code 2; stderr ends with: (noise )+\s*the real reason comes last$/s);
    expect(said.length).toBeLessThan(4096 + 200);

    // Its input is a file, not a pipe: a program that never reads it cannot block the worker.
    const ignores = await run({ program: 'ignores-input', input: { range: 200_000 }, partitions: 1 }, 'ignores');
    expect(ignores.status, JSON.stringify(ignores.error)).toBe('succeeded');
    expect((await readJobResult(shared.stack, ignores)).rows).toEqual([{ x: 1 }]);

    const tooMuch = await run({ program: 'too-much', input: { range: 1 }, retry: { attempts: 2, backoffMs: 10 } }, 'too-much');
    expect(tooMuch.partitions[0]).toMatchObject({ attempts: 1, error: { retryable: false } });
    expect(tooMuch.partitions[0]!.error!.message).toBe('output is larger than 4096 bytes (maxOutputBytes)');
    for (const prefix of ['floods/', 'too-much/']) expect(await shared.stack.store.list(shared.stack.container, prefix)).toEqual([]);
  });

  it('clears the environment: the program sees only its allowed names and PARTITA_*', async () => {
    const job = await run({ program: 'environment', input: { range: 1 } }, 'env');
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const names = String((await readJobResult(shared.stack, job)).rows[0]!['names']).split(',');
    expect(names.filter((n) => !n.startsWith('PARTITA_') && n !== 'PATH' && n !== 'LC_CTYPE')).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining(['PARTITA_JOB_ID', 'PARTITA_PARTITION', 'PARTITA_ATTEMPT', 'PARTITA_INPUT', 'PARTITA_OUTPUT_DIR']),
    );
    expect(names.some((n) => /DATABASE|REDIS|AZURE/.test(n))).toBe(false);
  });

  describe('input and output formats', () => {
    /** A table whose text needs CSV quoting and whose timestamps carry microseconds; some values null. */
    const table = async (): Promise<string> => {
      const name = `${source.schema}.events`;
      await source.sql(`create table ${name} (id bigint, g text, label text, at timestamptz)`);
      await source.sql(
        `insert into ${name} select i, 'g' || (i % 3),
           (array['plain', 'comma, inside', 'quote " inside', e'two\nlines', null])[1 + i % 5],
           case when i % 7 = 0 then null else timestamptz '2026-01-02 03:04:05.123456+00' + i * interval '1.000001 second' end
         from generate_series(1, 60) as i`,
      );
      return name;
    };
    const expected = async (name: string) =>
      (
        await source.sql(
          `select id::text as id_text, label, (extract(epoch from at) * 1000000)::bigint::text as at from ${name} order by id`,
        )
      ).rows.map((r: { id_text: string; label: string | null; at: string | null }) => ({
        id: BigInt(r.id_text),
        label: r.label,
        at: r.at === null ? null : BigInt(r.at),
      }));

    it('CSV in, a CSV file out: quotes, commas, line breaks, nulls and microseconds survive both ways', async () => {
      const name = await table();
      const job = await run({ program: 'csv-echo', input: { groupsOf: { table: name, by: ['g'] } }, partitions: 2 }, 'csv');
      expect(job.status, JSON.stringify(job.partitions.map((p) => p.error))).toBe('succeeded');
      const { rows } = await readJobResult(shared.stack, job, { exact: true });
      const fromFiles = rows.filter((r) => r['id'] !== -1n).sort((a, b) => Number((a['id'] as bigint) - (b['id'] as bigint)));
      expect(fromFiles).toEqual(await expected(name));
      // Stdout's rows come too, before the files'.
      expect(
        rows
          .filter((r) => r['id'] === -1n)
          .map((r) => r['label'])
          .sort(),
      ).toEqual(['group g0', 'group g1', 'group g2']);
    });

    it('Parquet in, a Parquet file out, from a program in another language; a file of other types is refused', async () => {
      const name = await table();
      const job = await run({ program: 'parquet-echo', input: { groupsOf: { table: name, by: ['g'] } }, partitions: 2 }, 'parquet');
      expect(job.status, JSON.stringify(job.partitions.map((p) => p.error))).toBe('succeeded');
      const { rows } = await readJobResult(shared.stack, job, { exact: true });
      expect([...rows].sort((a, b) => Number((a['id'] as bigint) - (b['id'] as bigint)))).toEqual(await expected(name));

      const wrong = await run(
        { program: 'parquet-wrong', input: { groupsOf: { table: name, by: ['g'] } }, partitions: 1, retry: { attempts: 2, backoffMs: 10 } },
        'wrong',
      );
      expect(wrong.partitions[0]).toMatchObject({ attempts: 1, error: { retryable: false } });
      expect(wrong.partitions[0]!.error!.message).toBe(
        'output file rows.parquet: column "id" is BYTE_ARRAY (STRING), the program declares INT64',
      );
      // Parquet input needs typed columns: a grid is refused when the job is submitted.
      const grid = await shared.stack.master.app.inject({
        method: 'POST',
        url: '/jobs',
        payload: { kind: 'program', program: 'parquet-echo', input: { grid: { x: [1] } } },
      });
      expect(grid.statusCode).toBe(400);
      expect(grid.json().issues).toEqual([
        { path: 'input', message: "program parquet-echo reads Parquet: its input must be groupsOf (a table's typed columns)" },
      ]);
      for (const prefix of ['wrong/']) expect(await shared.stack.store.list(shared.stack.container, prefix)).toEqual([]);
    });

    it('reads JSON-lines files of the output directory after stdout; any other file fails the partition, naming it', async () => {
      const job = await run({ program: 'stray-file', input: { range: 1 }, retry: { attempts: 2, backoffMs: 10 } }, 'stray');
      expect(job.partitions[0]).toMatchObject({ attempts: 1, error: { retryable: false } });
      // more.jsonl is read first (name order), then notes.txt is refused.
      expect(job.partitions[0]!.error!.message).toBe(
        'output file notes.txt: not a .jsonl, .ndjson, .csv or .parquet file (see docs/programs.md)',
      );
      expect(await shared.stack.store.list(shared.stack.container, 'stray/')).toEqual([]);
    });
  });

  it('a pipeline runs a program entry beside an extract: its settings name the program and its params, the entry overrides one', async () => {
    const table = `${source.schema}.sales`;
    await source.sql(`create table ${table} (id int primary key, g text)`);
    await source.sql(`insert into ${table} select i, 'g' || (i % 4) from generate_series(1, 40) as i`);
    const name = `nightly-${source.schema}`;
    const put = await api(shared.stack, 'PUT', `/pipelines/${name}`, {
      settings: { container: shared.stack.container, job: { program: 'square', params: { scale: 2 } } },
      entries: [
        { name: `squares-${source.schema}`, job: { kind: 'program', input: { grid: { x: [1, 2, 3] } }, partitions: 2 } },
        {
          name: `tripled-${source.schema}`,
          job: { kind: 'program', input: { list: [{ x: 1 }, { x: 2 }] } },
          settings: { job: { params: { scale: 3 } } },
        },
        { name: `sales-${source.schema}`, source: { table }, settings: { chunks: { count: 2 } } },
      ],
    });
    expect(put.status, JSON.stringify(put.json)).toBe(201);
    const started = await api(shared.stack, 'POST', `/pipelines/${name}/runs`, {});
    expect(started.status).toBe(202);
    let run = started.json as PipelineRunView;
    for (const deadline = Date.now() + 60_000; run.finishedAt === null && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 200));
      run = (await api(shared.stack, 'GET', `/pipelines/${name}/runs/${run.id}`)).json as PipelineRunView;
    }
    expect(run.status, JSON.stringify(run.entries.map((e) => e.job?.error))).toBe('succeeded');
    const jobOf = async (entry: string) =>
      (await api(shared.stack, 'GET', `/jobs/${run.entries.find((e) => e.entry.startsWith(entry))!.job!.id}`)).json as JobView;
    const squares = await readJobResult(shared.stack, await jobOf('squares-'));
    expect(squares.rows.map((r) => [r['x'], Number(r['y'])]).sort()).toEqual([1, 2, 3].map((x) => [x, x * x * 2 * 10 ** 12]));
    const tripled = await readJobResult(shared.stack, await jobOf('tripled-'));
    expect(tripled.rows.map((r) => Number(r['y'])).sort((a, b) => a - b)).toEqual([3 * 10 ** 12, 12 * 10 ** 12]);
    expect((await jobOf('tripled-')).dataset).toMatchObject({ name: `tripled-${source.schema}` });
    expect((await readJobResult(shared.stack, await jobOf('sales-'))).rows).toHaveLength(40);

    // An entry's job is checked by its kind when the pipeline is saved: a 400 naming the entry and the field.
    const bad = await api(shared.stack, 'PUT', `/pipelines/${name}`, {
      entries: [{ name: 'bad', job: { kind: 'program', program: 'square', input: { range: 0 } } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([
      { path: 'entries[0]', message: expect.stringMatching(/^its spec with the pipeline's settings: input/) },
    ]);
    const unknownKind = await api(shared.stack, 'PUT', `/pipelines/${name}`, { entries: [{ name: 'bad', job: { kind: 'nope' } }] });
    expect(unknownKind.status).toBe(400);
    expect(JSON.stringify(unknownKind.json.issues)).toMatch(/unknown kind|nope/);
  });

  it('only a registered program with valid params is accepted: a 400 naming the field otherwise', async () => {
    const post = (payload: Record<string, unknown>) =>
      shared.stack.master.app.inject({ method: 'POST', url: '/jobs', payload: { kind: 'program', ...payload } });
    const unknown = await post({ program: 'rm-rf', input: { range: 1 } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ issues: unknown[] }>().issues).toEqual([
      { path: 'program', message: expect.stringMatching(/^unknown program "rm-rf": registered are square, group-sum, /) },
    ]);
    const missing = await post({ program: 'square', params: {}, input: { range: 1 } });
    expect(missing.json<{ issues: unknown[] }>().issues).toEqual([
      { path: 'params.scale', message: "must have required property 'scale'" },
    ]);
    const wrong = await post({ program: 'square', params: { scale: 0, command: 'sh' }, input: { range: 1 } });
    expect(
      wrong
        .json<{ issues: { path: string }[] }>()
        .issues.map((i) => i.path)
        .sort(),
    ).toEqual(['params', 'params.scale']);
    // No command ever comes through the API.
    const command = await post({ program: 'square', command: ['sh', '-c', 'id'], params: { scale: 1 }, input: { range: 1 } });
    expect(command.statusCode).toBe(400);
  });
});
