import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PipelineApply } from '@partita/contracts';
import { ApiRequestError, PartitaClient } from './client.js';
import { nameIssues } from './commands/pipelines.js';
import { chunksText, fieldLines, isRunEnded, runProgressLine, runTimingsLine, scheduleText } from './commands/pipelines-format.js';
import { watchRun } from './commands/pipelines-runs.js';
import { RUN_ID, endedRun, runView } from './pipeline.fixture.js';
import { readObjectsFile } from './spec-file.js';
import { captureOutput } from './output.fixture.js';

/** A client whose GETs of the run answer `answers` in turn (the last one again once they run out). */
function scriptedClient(answers: (() => Response)[]) {
  let calls = 0;
  const fetch = (async () => answers[Math.min(calls++, answers.length - 1)]!()) as typeof globalThis.fetch;
  return { client: new PartitaClient({ baseUrl: 'http://m', fetch }), calls: () => calls };
}
const json =
  (body: unknown, status = 200) =>
  () =>
    new Response(JSON.stringify(body), { status });

describe('pipelines formatting', () => {
  it('describes schedules, chunk rules and ended runs', () => {
    expect(scheduleText(null)).toBe('-');
    expect(scheduleText({ cron: '@daily', timezone: 'UTC', category: null, nextRunAt: null })).toBe('@daily (UTC)');
    expect(chunksText({ count: 8 })).toBe('8 chunks');
    expect(chunksText({ rowsPerChunk: 2_500_000 })).toBe('2,500,000 rows/chunk');
    expect(chunksText(undefined)).toBe('-');
    expect(
      ['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((status) => isRunEnded(runView({ status: status as never }))),
    ).toEqual([false, false, true, true, true]);
  });

  it('prints a run progress line and its timings', () => {
    expect(runProgressLine(runView())).toBe(
      '7c1d2e3f  running  entries 0 ok, 0 failed of 2  partitions 3/8  rows 1,200/5,000  elapsed 2.5s',
    );
    expect(runTimingsLine(runView({ timings: { wallMs: 800, sumPartitionMs: 800, speedup: 1, workers: 1 } }))).toBe(
      'wall 800 ms, sum of partitions 800 ms, speed-up 1.00x, 1 worker',
    );
  });

  it('aligns fields, continuing a field on rows without a key', () => {
    expect(
      fieldLines([
        ['a', '1'],
        ['settings', 'x: 1'],
        ['', 'y: 2'],
      ]),
    ).toBe('a:         1\nsettings:  x: 1\n           y: 2');
  });
});

describe('nameIssues', () => {
  const pipelines = [{ name: 'a' }, { name: 'b' }];

  it('adds the pipeline name to issues under pipelines[i], keeping a message of its own', () => {
    const err = new ApiRequestError('POST', '/pipelines/apply', 400, 'Bad Request', 'bad pipelines', 'X', [
      { path: 'pipelines[0]', message: 'wrong' },
      { path: 'pipelines.7.name', message: 'missing' },
    ]);
    const named = nameIssues(err, pipelines) as ApiRequestError;
    expect(named).toBeInstanceOf(ApiRequestError);
    expect(named.message).toBe('bad pipelines');
    expect(named.issues).toEqual([
      { path: 'pipelines[0]', message: 'wrong (pipeline "a")' },
      { path: 'pipelines.7.name', message: 'missing' },
    ]);
    expect(named.badInput).toBe(true);
  });

  it('leaves other errors alone', () => {
    const plain = new Error('x');
    expect(nameIssues(plain, pipelines)).toBe(plain);
    const conflict = new ApiRequestError('POST', '/pipelines/apply', 409, 'Conflict', 'busy', undefined, []);
    expect(nameIssues(conflict, pipelines)).toBe(conflict);
  });
});

describe('watchRun', () => {
  it('polls until the run ends, a line per poll when not on a terminal', async () => {
    const { client, calls } = scriptedClient([json(runView()), json(runView({ status: 'running' })), json(endedRun('succeeded'))]);
    const out = captureOutput();
    const run = await watchRun(client, runView({ status: 'queued' }), out, { pollMs: 1 });
    expect(run.status).toBe('succeeded');
    expect(calls()).toBe(3);
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^7c1d2e3f {2}running {2}entries 0 ok/);
    expect(lines[2]).toMatch(/^7c1d2e3f {2}succeeded {2}entries 2 ok, 0 failed of 2 {2}partitions 8\/8/);
  });

  it('rides out a master that answers 503 for a while, and gives up on other errors', async () => {
    const unavailable = json({ statusCode: 503, error: 'Service Unavailable', message: 'down' }, 503);
    const { client } = scriptedClient([unavailable, json(endedRun('failed'))]);
    const out = captureOutput();
    expect((await watchRun(client, runView(), out, { pollMs: 1 })).status).toBe('failed');
    expect(out.text).toMatch(/\(master answered 503; retrying\)\n/);

    const gone = json({ statusCode: 404, error: 'Not Found', message: `run ${RUN_ID} does not exist` }, 404);
    await expect(watchRun(scriptedClient([gone]).client, runView(), captureOutput(), { pollMs: 1 })).rejects.toThrow(/does not exist/);
    await expect(
      watchRun(scriptedClient([unavailable]).client, runView(), captureOutput(), { pollMs: 1, giveUpAfterMs: 5 }),
    ).rejects.toThrow(ApiRequestError);
  });

  it('redraws the line in place on a terminal', async () => {
    const { client } = scriptedClient([json(runView()), json(endedRun('succeeded'))]);
    const out = captureOutput(true);
    await watchRun(client, runView(), out, { pollMs: 1 });
    expect(out.text).toContain('\x1b[1A');
    expect(out.text.endsWith('partitions 8/8  rows 5,000/5,000  elapsed 12s\n')).toBe(true);
  });
});

describe('the example pipeline of the docs', () => {
  it('is a valid pipeline file', async () => {
    const path = fileURLToPath(new URL('../../../docs/examples/shop.pipeline.yaml', import.meta.url));
    const pipelines = await readObjectsFile(path, { noun: 'pipeline', listKey: 'pipelines' });
    const parsed = PipelineApply.parse({ pipelines });
    expect(parsed.pipelines.map((p) => [p.name, p.entries.length, p.schedule?.cron])).toEqual([['shop', 4, '0 2 * * *']]);
  });
});
