import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobView } from '@partita/contracts';
import { formatSpeedup } from '@partita/format';
import { freePort } from '../support/ports.js';
import { useSourceSchema } from '../support/source-schema.js';
import { useStack } from '../support/stack.js';

const CLI = fileURLToPath(new URL('../../apps/cli/dist/main.js', import.meta.url));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a child process (asynchronously: the master answers from this process). `onStdout` sees the
 * output as it arrives.
 */
function cli(args: string[], input?: string, onStdout?: (soFar: string) => void): Promise<CliResult> {
  const env = { ...process.env };
  delete env['PARTITA_URL'];
  delete env['PARTITA_TOKEN'];
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    onStdout?.(stdout);
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The cells of a table row under `header`, split on runs of 2+ spaces, keyed by the header's column names. */
function tableRow(text: string, headerStart: RegExp, rowStart: string): Record<string, string> {
  const lines = text.split('\n');
  const h = lines.findIndex((l) => headerStart.test(l));
  expect(h, `no table header ${headerStart} in:\n${text}`).toBeGreaterThanOrEqual(0);
  const columns = lines[h]!.trim().split(/\s{2,}/);
  const row = lines.slice(h + 2).find((l) => l.trim().startsWith(rowStart));
  expect(row, `no row ${rowStart} under ${headerStart} in:\n${text}`).toBeDefined();
  const cells = row!.trim().split(/\s{2,}/);
  return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
}

const JOB_TABLE = /^\s*job\s+status\s+wall\s+sum of partitions \(sequential\)\s+speed-up\s+workers\s+efficiency$/;
const PROGRESS =
  /^([0-9a-f]{8}) \[[#.]+\]\s+\d+%\s+(\d+)\/(\d+) partitions\s+(\d[\d,]*)\/(\d[\d,]*) groups\s+.*\s(queued|running|succeeded|failed|cancelled)$/;

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (\`npm run build\`)`);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'partita-cli-e2e-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('partita CLI end to end: the built CLI against a master and 2 worker processes', () => {
  const ctx = useStack({ workers: 2, workerMode: 'process' });

  it('submits a YAML spec and watches it to the timings table; list, show and datasets agree with the API', async () => {
    const { stack } = ctx;
    const specFile = join(dir, 'spec.yaml');
    await writeFile(
      specFile,
      `# 5 s or more: a progress line every 2 s shows partitions ending (each of the 2 workers runs 4 in turn)
kind: travel-plan
input:
  generate: { groups: 480, seed: 11 }
optimizer:
  algorithm: genetic
  restarts: 15
partitioner: cost-aware
partitions: 8
output:
  container: ${stack.container}
  prefix: cli
dataset:
  name: cli-e2e
  description: "submitted by the CLI: end-to-end test"
  tags: { suite: e2e }
`,
    );

    // The workers start once the submit has answered (the id is printed): a partition that starts while the master
    // still stamps the job's enqueue time can deadlock in the catalog (markEnqueued and startPartition lock the job
    // and its partitions in opposite orders), which would fail the submit with a 500.
    await stack.pauseWorkers();
    let resumed: Promise<void> | undefined;
    const run = await cli(['submit', specFile, '--watch', '--url', stack.baseUrl], undefined, (soFar) => {
      if (soFar.includes('\n')) resumed ??= stack.resumeWorkers();
    });
    await resumed;
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    const id = lines[0]!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const api = await (await fetch(`${stack.baseUrl}/jobs/${id}`)).json();
    const job = JobView.parse(api);
    expect(job.status).toBe('succeeded');

    // Progress: a plain line every ~2 s (stdout is a pipe), partitions done never going back, ending at 8/8.
    const progress = lines.map((l) => l.match(PROGRESS)).filter((m) => m !== null);
    expect(progress.every((m) => m[1] === id.slice(0, 8) && m[3] === '8' && m[5] === '480')).toBe(true);
    const done = progress.map((m) => Number(m[2]));
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(8);
    expect(progress.at(-1)![6]).toBe('succeeded');
    const before = progress.slice(0, -1).map((m) => m[0]);
    expect(new Set(before).size, run.stdout).toBeGreaterThan(1);
    expect(
      done.some((d) => d > 0 && d < 8),
      run.stdout,
    ).toBe(true);

    // It ends with the timings table, whose speed-up is the API's.
    expect(run.stdout).toContain(`manifest: ${stack.container}/${job.output.manifest}`);
    expect(lines.at(-3)).toMatch(JOB_TABLE);
    const summary = tableRow(run.stdout, JOB_TABLE, id.slice(0, 8));
    expect(summary['speed-up']).toBe(formatSpeedup(job.timings.speedup));
    expect(summary['status']).toBe('succeeded');
    expect(summary['workers']).toBe('2');
    for (let i = 0; i < 8; i++) expect(tableRow(run.stdout, /^partition\s+items\s+worker/, String(i))['status']).toBe('succeeded');

    const list = await cli(['list', '--url', stack.baseUrl]);
    expect(list.code).toBe(0);
    const listed = tableRow(list.stdout, /^id\s+kind\s+status\s+progress\s+created\s+wall\s+speed-up$/, id);
    expect(listed).toMatchObject({
      kind: 'travel-plan',
      status: 'succeeded',
      progress: '8/8 100%',
      'speed-up': formatSpeedup(job.timings.speedup),
    });

    const show = await cli(['show', id, '--url', stack.baseUrl]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^status:\s+succeeded$/m);
    expect(show.stdout).toMatch(/^kind:\s+travel-plan$/m);
    expect(show.stdout).toMatch(new RegExp(`^manifest:\\s+${stack.container}/${job.output.manifest}$`, 'm'));
    expect(tableRow(show.stdout, JOB_TABLE, id.slice(0, 8))['speed-up']).toBe(formatSpeedup(job.timings.speedup));
    expect(show.stdout.split('\n').filter((l) => /^\s+\d+\s+\d+\s+w[12]\s+1\s/.test(l))).toHaveLength(8);

    const json = await cli(['show', id, '--json', '--url', stack.baseUrl]);
    expect(json.code).toBe(0);
    expect(JobView.parse(JSON.parse(json.stdout))).toEqual(job);

    const datasets = await cli(['datasets', '--url', stack.baseUrl]);
    expect(datasets.code).toBe(0);
    expect(tableRow(datasets.stdout, /^name\s+latest\s+versions/, 'cli-e2e')).toMatchObject({
      latest: 'v1',
      versions: '1',
      kind: 'travel-plan',
      job: id,
    });
    const versions = await cli(['datasets', 'cli-e2e', '--url', stack.baseUrl]);
    expect(versions.code).toBe(0);
    expect(tableRow(versions.stdout, /^version\s+job/, 'v1')).toMatchObject({ job: id, rows: expect.stringMatching(/^[\d,]+$/) });
  });
});

describe('partita pipelines end to end: a YAML file applied, run and watched by the built CLI', () => {
  const ctx = useStack({ workers: 2, workerMode: 'process' });
  const source = useSourceSchema();

  it('applies two pipelines from one YAML file (then finds them unchanged), runs one to success and lists its run', async () => {
    const { stack } = ctx;
    const s = source.schema;
    await source.sql(`
      create table ${s}.trips (id int primary key, city text);
      insert into ${s}.trips select g, 'city ' || (g % 7) from generate_series(1, 500) g;
      create table ${s}.cities (name text primary key);
      insert into ${s}.cities select 'city ' || g from generate_series(0, 6) g;`);
    const file = join(dir, 'pipelines.yaml');
    await writeFile(
      file,
      `name: travel-${s}
description: trips and cities
settings:
  container: ${stack.container}
  chunks: { count: 2 }
  tags: { owner: data }
entries:
  - name: trips
    source: { table: ${s}.trips }
    sink: { dataset: trips-${s} }
  - name: cities
    source: { query: "select name from ${s}.cities", key: name }
    sink: { dataset: cities-${s} }
    settings: { chunks: { count: 1 } }
---
name: idle-${s}
entries:
  - name: off
    enabled: false
    source: { table: ${s}.trips }
`,
    );
    // A file with one bad pipeline applies none of them, and names the pipeline and the field.
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, `- name: fine-${s}\n- name: broken-${s}\n  entries: [{ name: x, source: { table: "no such" } }]\n`);
    const refused = await cli(['pipelines', 'apply', bad, '--url', stack.baseUrl]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`pipelines[1].entries[0].source`);
    expect(refused.stderr).toContain(`(pipeline "broken-${s}")`);
    expect((await fetch(`${stack.baseUrl}/pipelines/fine-${s}`)).status).toBe(404);

    const applied = await cli(['pipelines', 'apply', file, '--url', stack.baseUrl]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`^travel-${s}\\s+created$`, 'm'));
    expect(applied.stdout).toMatch(new RegExp(`^idle-${s}\\s+created$`, 'm'));
    const again = await cli(['pipelines', 'apply', file, '--url', stack.baseUrl]);
    expect(again.stdout).toMatch(new RegExp(`^travel-${s}\\s+unchanged$`, 'm'));

    const run = await cli(['pipelines', 'run', `travel-${s}`, '--watch', '--url', stack.baseUrl]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const runId = run.stdout.split('\n')[0]!;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    const view = (await (await fetch(`${stack.baseUrl}/pipelines/travel-${s}/runs/${runId}`)).json()) as {
      status: string;
      entries: Array<{ entry: string; job: { id: string; progress: { itemsDone: number } } }>;
    };
    expect(view.status).toBe('succeeded');
    expect(view.entries.map((e) => [e.entry, e.job.progress.itemsDone])).toEqual([
      ['trips', 500],
      ['cities', 7],
    ]);
    for (const e of view.entries) expect(run.stdout).toContain(e.job.id);

    const runs = await cli(['pipelines', 'runs', `travel-${s}`, '--url', stack.baseUrl]);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toContain(runId);
    const idle = await cli(['pipelines', 'run', `idle-${s}`, '--url', stack.baseUrl]);
    expect(idle.code).toBe(1);
    expect(idle.stderr).toContain('no enabled entries');
  });
});

describe('partita CLI end to end: errors and cancelling (no workers)', () => {
  const ctx = useStack({ workers: 0 });

  it('exits with 2 and names the field of a bad spec, with 1 for an unknown job or an unreachable master', async () => {
    const { stack } = ctx;
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      `kind: travel-plan\ninput:\n  generate: { groups: 10 }\npartitions: 0\noutput: { container: ${stack.container} }\n`,
    );
    const rejected = await cli(['submit', bad, '--url', stack.baseUrl]);
    expect(rejected.code).toBe(2);
    expect(rejected.stdout).toBe('');
    expect(rejected.stderr).toMatch(/^ {2}partitions: .+$/m);

    const unknown = randomUUID();
    const missing = await cli(['show', unknown, '--url', stack.baseUrl]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`job ${unknown} does not exist`);

    const port = await freePort();
    const unreachable = await cli(['list', '--url', `http://127.0.0.1:${port}`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`^partita: cannot reach the master at http://127\\.0\\.0\\.1:${port}: .+\\n$`));
    for (const r of [rejected, missing, unreachable]) expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('submits JSON from stdin, cancels it, and watch exits with 1 for the cancelled job', async () => {
    const { stack } = ctx;
    const spec = {
      kind: 'travel-plan',
      input: { generate: { groups: 20, seed: 1 } },
      partitions: 4,
      output: { container: stack.container },
    };
    const submitted = await cli(['submit', '-', '--json', '--url', stack.baseUrl], JSON.stringify(spec));
    expect(submitted.code, submitted.stderr).toBe(0);
    const { id, status } = JSON.parse(submitted.stdout) as { id: string; status: string };
    expect(status).toBe('queued');

    const cancelled = await cli(['cancel', id, '--url', stack.baseUrl]);
    expect(cancelled).toMatchObject({ code: 0, stdout: `job ${id} cancelled\n` });

    const watched = await cli(['watch', id, '--url', stack.baseUrl]);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toMatch(/\d\/4 partitions .*cancelled\n/);
    expect(tableRow(watched.stdout, JOB_TABLE, id.slice(0, 8))['status']).toBe('cancelled');
  });
});
