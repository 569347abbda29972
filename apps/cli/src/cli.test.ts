import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, runCli } from './cli.js';
import { jobView, partitionView } from './job.fixture.js';
import { JOB_A, JOB_B, RUN_ID, endedRun, pipelineView, runView } from './pipeline.fixture.js';
import { captureOutput } from './output.fixture.js';

const ID = '5e4a18a3-1111-4222-8333-444455556666';

/** The API's 400 for a body it refuses: each issue, and a message that only repeats them. */
function rejected(issues: ReadonlyArray<{ path: string; message: string }>) {
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return { status: 400, body: { statusCode: 400, code: 'PARTITA_ERR_VALIDATION', error: 'Bad Request', message, issues } };
}

type Route = (req: { method: string; path: string; headers: Headers; body: unknown }) => { status: number; body: unknown };

/** A fetch that answers from `routes` (keyed `METHOD /path`) and records each request. */
function fakeFetch(routes: Record<string, Route>) {
  const requests: { method: string; path: string; headers: Headers; body: unknown }[] = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const method = init?.method ?? 'GET';
    const req = {
      method,
      path: url.pathname + url.search,
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(req);
    const route = routes[`${method} ${url.pathname}`];
    const res = route
      ? route(req)
      : { status: 404, body: { statusCode: 404, code: 'PARTITA_ERR_NOT_FOUND', error: 'Not Found', message: 'no route' } };
    const text = res.status === 204 ? null : JSON.stringify(res.body);
    return new Response(text, { status: res.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { impl, requests };
}

async function run(argv: string[], routes: Record<string, Route> = {}, stdin = '') {
  const stdout = captureOutput();
  const stderr = captureOutput();
  const fetch = fakeFetch(routes);
  const code = await runCli(argv, { stdout, stderr, stdin: Readable.from([stdin]), env: {}, fetch: fetch.impl });
  return { code, stdout: stdout.text, stderr: stderr.text, requests: fetch.requests };
}

const done = jobView({
  status: 'succeeded',
  progress: { done: 1, total: 1, succeeded: 1, failed: 0, running: 0, itemsDone: 10, itemsTotal: 10, itemNoun: 'groups' },
  partitions: [partitionView()],
});

describe('runCli', () => {
  it('submits a spec from stdin and prints the id; the token goes as a bearer header', async () => {
    const r = await run(
      ['submit', '-', '--token', 't0k', '--idempotency-key', 'k1'],
      { 'POST /jobs': () => ({ status: 202, body: { id: ID, status: 'queued' } }) },
      'kind: travel-plan\npartitions: 2\n',
    );
    expect(r).toMatchObject({ code: EXIT_OK, stdout: `${ID}\n`, stderr: '' });
    expect(r.requests[0]!.body).toEqual({ kind: 'travel-plan', partitions: 2 });
    expect(r.requests[0]!.headers.get('authorization')).toBe('Bearer t0k');
    expect(r.requests[0]!.headers.get('idempotency-key')).toBe('k1');
  });

  it('sends no authorization header without a token, and prints the API JSON with --json', async () => {
    const r = await run(
      ['submit', '-', '--json'],
      { 'POST /jobs': () => ({ status: 200, body: { id: ID, status: 'running' } }) },
      '{"kind":"x"}',
    );
    expect(r.code).toBe(EXIT_OK);
    expect(JSON.parse(r.stdout)).toEqual({ id: ID, status: 'running' });
    expect(r.stderr).toMatch(/already exists for this idempotency key/);
    expect(r.requests[0]!.headers.get('authorization')).toBeNull();
  });

  it('prints each offending field of a rejected spec and exits with 2', async () => {
    const issues = [
      { path: 'partitions', message: 'Too small: expected number to be >=1' },
      { path: 'output.container', message: 'must be lowercase' },
    ];
    const r = await run(
      ['submit', '-'],
      {
        'POST /jobs': () => rejected(issues),
      },
      '{"kind":"travel-plan"}',
    );
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.stderr).toBe(
      'partita: the master rejected the request (400 Bad Request)\n  partitions: Too small: expected number to be >=1\n  output.container: must be lowercase\n',
    );
  });

  it('exits with 1 and the API message for an unknown job', async () => {
    const r = await run(['show', ID], {
      'GET /jobs/:id': () => ({ status: 200, body: {} }),
      [`GET /jobs/${ID}`]: () => ({
        status: 404,
        body: { statusCode: 404, code: 'PARTITA_ERR_NOT_FOUND', error: 'Not Found', message: `job ${ID} does not exist` },
      }),
    });
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stderr).toBe(`partita: job ${ID} does not exist (404 Not Found, PARTITA_ERR_NOT_FOUND)\n`);
  });

  it('says when the master cannot be reached, without a stack', async () => {
    const stderr = captureOutput();
    const refused = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    }) as typeof fetch;
    const code = await runCli(['list', '--url', 'http://127.0.0.1:9'], { stdout: captureOutput(), stderr, env: {}, fetch: refused });
    expect(code).toBe(EXIT_FAILURE);
    expect(stderr.text).toBe('partita: cannot reach the master at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9\n');
  });

  it('exits with 2 for usage errors and unreadable specs', async () => {
    expect((await run(['show'])).code).toBe(EXIT_BAD_INPUT);
    const r = await run(['submit', '-'], {}, '- not\n- an object\n');
    expect(r).toMatchObject({
      code: EXIT_BAD_INPUT,
      stderr: 'partita: stdin must hold one job spec (an object with a "kind"), not a list\n',
    });
    expect(r.requests).toEqual([]);
  });

  it('shows a job: header and timings table, or the JSON', async () => {
    const routes = { [`GET /jobs/${ID}`]: () => ({ status: 200, body: done }) };
    const table = await run(['show', ID], routes);
    expect(table.code).toBe(EXIT_OK);
    expect(table.stdout).toMatch(/^status:\s+succeeded$/m);
    expect(table.stdout).toMatch(/sum of partitions \(sequential\)\s+speed-up/);
    const json = await run(['show', ID, '--json'], routes);
    expect(JSON.parse(json.stdout)).toEqual(done);
  });

  it('lists jobs with the query it was given, and the next page', async () => {
    const r = await run(['list', '--status', 'succeeded', '--limit', '1'], {
      'GET /jobs': () => ({ status: 200, body: { items: [done], nextCursor: 'c2' } }),
    });
    expect(r.requests[0]!.path).toBe('/jobs?limit=1&status=succeeded');
    const [header, rule, row] = r.stdout.split('\n');
    expect(header).toMatch(/^id\s+kind\s+status\s+progress\s+created\s+wall\s+speed-up$/);
    expect(rule).toMatch(/^-+( +-+){6}$/);
    expect(row).toMatch(new RegExp(`^${ID}\\s+travel-plan\\s+succeeded\\s+1/1 100%\\s+\\S+ \\S+\\s+2500 ms\\s+1\\.60x$`));
    expect(r.stdout).toMatch(/more: partita list --cursor c2 --status succeeded/);
  });

  it('cancels, and reports a job that already ended', async () => {
    expect(
      (await run(['cancel', ID], { [`DELETE /jobs/${ID}`]: () => ({ status: 200, body: { id: ID, status: 'cancelled' } }) })).stdout,
    ).toBe(`job ${ID} cancelled\n`);
    const conflict = await run(['cancel', ID], {
      [`DELETE /jobs/${ID}`]: () => ({
        status: 409,
        body: { statusCode: 409, code: 'PARTITA_ERR_CONFLICT', error: 'Conflict', message: `job ${ID} has already succeeded` },
      }),
    });
    expect(conflict.code).toBe(EXIT_FAILURE);
    expect(conflict.stderr).toMatch(/has already succeeded/);
  });

  it('retries a failed job, and reports one that is not failed', async () => {
    const ok = await run(['retry', ID], { [`POST /jobs/${ID}/retry`]: () => ({ status: 202, body: { id: ID, status: 'running' } }) });
    expect(ok.stdout).toBe(`job ${ID} running: its failed partitions run again (partita watch ${ID})\n`);
    const conflict = await run(['retry', ID], {
      [`POST /jobs/${ID}/retry`]: () => ({
        status: 409,
        body: {
          statusCode: 409,
          code: 'PARTITA_ERR_CONFLICT',
          error: 'Conflict',
          message: `job ${ID} is running: only a failed job can be retried`,
        },
      }),
    });
    expect(conflict.code).toBe(EXIT_FAILURE);
    expect(conflict.stderr).toMatch(/only a failed job can be retried/);
  });

  it('watches until the job ends and exits with 0 only when it succeeded', async () => {
    const failed = { ...done, status: 'failed', error: { message: 'boom' } };
    const ok = await run(['watch', ID], { [`GET /jobs/${ID}`]: () => ({ status: 200, body: done }) });
    expect(ok.code).toBe(EXIT_OK);
    expect(ok.stdout).toMatch(/1\/1 partitions\s+10\/10 groups.*succeeded\n/);
    const bad = await run(['watch', ID], { [`GET /jobs/${ID}`]: () => ({ status: 200, body: failed }) });
    expect(bad.code).toBe(EXIT_FAILURE);
    expect(bad.stdout).toMatch(/^error: boom$/m);
  });

  it('prints help and the version', async () => {
    expect((await run(['--help'])).stdout).toMatch(/^usage: partita \[options\] COMMAND/);
    expect((await run(['datasets', '--help'])).stdout).toMatch(/^usage: partita datasets \[NAME\]/);
    expect((await run(['--version'])).stdout).toMatch(/^partita \d+\.\d+\.\d+\n$/);
  });
});

describe('runCli pipelines', () => {
  const applied = (req: { body: unknown }) => ({
    status: 200,
    body: {
      items: (req.body as { pipelines: { name: string }[] }).pipelines.map((p, i) => ({
        name: p.name,
        outcome: i === 0 ? 'created' : 'unchanged',
      })),
    },
  });
  const APPLY = { 'POST /pipelines/apply': applied };
  const names = (r: { requests: { body: unknown }[] }) =>
    (r.requests[0]!.body as { pipelines: { name: string }[] }).pipelines.map((p) => p.name);

  it('applies one YAML pipeline and prints its outcome', async () => {
    const r = await run(
      ['pipelines', 'apply', '-'],
      APPLY,
      'name: shop\nentries:\n  - name: orders\n    source: { table: public.orders }\n',
    );
    expect(r).toMatchObject({ code: EXIT_OK, stdout: 'shop  created\n', stderr: '' });
    expect(r.requests[0]).toMatchObject({ method: 'POST', path: '/pipelines/apply' });
    expect(r.requests[0]!.body).toEqual({
      pipelines: [{ name: 'shop', entries: [{ name: 'orders', source: { table: 'public.orders' } }] }],
    });
  });

  it('applies a list, a {pipelines: [...]} object and multi-document YAML in one request each', async () => {
    const list = await run(['pipelines', 'apply', '-'], APPLY, '[{"name": "a"}, {"name": "b"}]');
    expect(list.stdout).toBe('a  created\nb  unchanged\n');
    expect(names(list)).toEqual(['a', 'b']);
    const wrapped = await run(['pipelines', 'apply', '-'], APPLY, 'pipelines:\n  - name: a\n  - name: b\n');
    expect(names(wrapped)).toEqual(['a', 'b']);
    const docs = await run(['pipelines', 'apply', '-'], APPLY, '---\nname: a\n---\nname: b\ndescription: two\n---\n');
    expect(docs.code).toBe(EXIT_OK);
    expect(docs.requests).toHaveLength(1);
    expect(names(docs)).toEqual(['a', 'b']);
  });

  it('exits with 2 for a file that holds no pipelines, sending nothing', async () => {
    const r = await run(['pipelines', 'apply', '-'], APPLY, '- name: a\n- 42\n');
    expect(r).toMatchObject({
      code: EXIT_BAD_INPUT,
      stderr: 'partita: stdin: item 2 of the list must be one pipeline (an object), not a number\n',
    });
    expect(r.requests).toEqual([]);
    const scalar = await run(['pipelines', 'apply', '-'], APPLY, '"shop"');
    expect(scalar.stderr).toMatch(/must hold one pipeline \(an object\), a list of them or \{"pipelines": \[\.\.\.\]\}, not a string/);
    expect((await run(['pipelines', 'apply', '/nonexistent/p.yaml'], APPLY)).stderr).toMatch(/cannot read .*p\.yaml: no such file/);
  });

  it('prints each issue of a rejected apply, with the pipeline it is in, and exits with 2', async () => {
    const issues = [
      { path: 'pipelines[1].entries[0].source', message: 'Invalid input' },
      { path: 'pipelines', message: 'Too big' },
    ];
    const r = await run(
      ['pipelines', 'apply', '-'],
      {
        'POST /pipelines/apply': () => rejected(issues),
      },
      '[{"name": "a"}, {"name": "b", "entries": [{"name": "x", "source": {}}]}]',
    );
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.stderr).toBe(
      'partita: the master rejected the request (400 Bad Request)\n  pipelines[1].entries[0].source: Invalid input (pipeline "b")\n  pipelines: Too big\n',
    );
  });

  it('lists pipelines, shows one with its entries, and prints the JSON with --json', async () => {
    const p = pipelineView();
    const summary = {
      name: 'shop',
      description: p.description,
      entries: 2,
      enabledEntries: 1,
      schedule: p.schedule,
      updatedAt: p.updatedAt,
    };
    const routes = {
      'GET /pipelines': () => ({ status: 200, body: { items: [summary] } }),
      'GET /pipelines/shop': () => ({ status: 200, body: p }),
    };
    const list = await run(['pipelines', 'list'], routes);
    expect(list.stdout.split('\n')[0]).toMatch(/^name\s+entries\s+schedule\s+next run\s+updated\s+description$/);
    expect(list.stdout.split('\n')[2]).toMatch(
      /^shop\s+1\/2\s+0 2 \* \* \* \(Europe\/Paris\)\s+\S+ \S+\s+\S+ \S+\s+Nightly copy of the shop$/,
    );
    const show = await run(['pipelines', 'show', 'shop'], routes);
    expect(show.code).toBe(EXIT_OK);
    expect(show.stdout).toMatch(/^schedule:\s+0 2 \* \* \* \(Europe\/Paris\)$/m);
    expect(show.stdout).toMatch(/^settings:\s+chunks: \{"rowsPerChunk":1000000\}\n\s+container: lake$/m);
    expect(show.stdout).toMatch(/^orders\s+-\s+yes\s+public\.orders\s+shop-orders\s+lake\/shop\s+1,000,000 rows\/chunk$/m);
    expect(show.stdout).toMatch(/^totals\s+daily\s+no\s+query\s+totals\s+lake\/reports\s+4 chunks$/m);
    expect(JSON.parse((await run(['pipelines', 'show', 'shop', '--json'], routes)).stdout)).toEqual(p);
    expect(JSON.parse((await run(['--json', 'pipelines', 'list'], routes)).stdout)).toEqual({ items: [summary] });
  });

  it('starts a run and prints its id; --category goes in the body', async () => {
    const r = await run(['pipelines', 'run', 'shop', '--category', 'daily'], {
      'POST /pipelines/shop/runs': () => ({ status: 202, body: runView({ category: 'daily' }) }),
    });
    expect(r).toMatchObject({ code: EXIT_OK, stdout: `${RUN_ID}\n` });
    expect(r.requests[0]!.body).toEqual({ category: 'daily' });
    const json = await run(['pipelines', 'run', 'shop', '--json'], {
      'POST /pipelines/shop/runs': () => ({ status: 202, body: runView() }),
    });
    expect(JSON.parse(json.stdout)).toEqual(runView());
    expect(json.requests[0]!.body).toEqual({});
  });

  it('watches a run to its end: its entries table, and exit 0 only when it succeeded', async () => {
    const routes = (ended: ReturnType<typeof endedRun>) => ({
      'POST /pipelines/shop/runs': () => ({ status: 202, body: runView({ status: 'queued' }) }),
      [`GET /pipelines/shop/runs/${RUN_ID}`]: () => ({ status: 200, body: ended }),
    });
    const ok = await run(['pipelines', 'run', 'shop', '--watch'], routes(endedRun('succeeded')));
    expect(ok.code).toBe(EXIT_OK);
    expect(ok.stdout).toMatch(
      new RegExp(`^${RUN_ID}\n7c1d2e3f  succeeded  entries 2 ok, 0 failed of 2  partitions 8/8  rows 5,000/5,000  elapsed 12s\n`),
    );
    expect(ok.stdout).toMatch(/^entry\s+dataset\s+status\s+job\s+rows\s+wall\s+error$/m);
    expect(ok.stdout).toMatch(new RegExp(`^totals\\s+totals\\s+succeeded\\s+${JOB_B}\\s+120\\s+2500 ms$`, 'm'));
    expect(ok.stdout).toMatch(/^wall 12\.0 s, sum of partitions 36\.0 s, speed-up 3\.00x, 4 workers$/m);
    const bad = await run(['pipelines', 'run', 'shop', '-w'], routes(endedRun('failed')));
    expect(bad.code).toBe(EXIT_FAILURE);
    expect(bad.stdout).toMatch(
      new RegExp(`^totals\\s+totals\\s+failed\\s+${JOB_B}\\s+120\\s+2500 ms\\s+relation "x" does not exist$`, 'm'),
    );
    const json = await run(['pipelines', 'run', 'shop', '--watch', '--json'], routes(endedRun('failed')));
    expect(json.code).toBe(EXIT_FAILURE);
    expect(JSON.parse(json.stdout)).toEqual(endedRun('failed'));
    expect(json.stderr).toMatch(/^7c1d2e3f {2}failed {2}entries 1 ok, 1 failed of 2/);
  });

  it('lists runs with the query it was given, and shows one run', async () => {
    const { entries: _, ...summary } = endedRun('failed');
    const routes = {
      'GET /pipelines/shop/runs': () => ({ status: 200, body: { items: [summary], nextCursor: 'c2' } }),
      [`GET /pipelines/shop/runs/${RUN_ID}`]: () => ({ status: 200, body: endedRun('failed') }),
    };
    const list = await run(['pipelines', 'runs', 'shop', '--limit', '5'], routes);
    expect(list.requests[0]!.path).toBe('/pipelines/shop/runs?limit=5');
    expect(list.stdout).toMatch(/^run\s+trigger\s+category\s+status\s+entries ok\/failed\/total\s+created\s+wall$/m);
    expect(list.stdout).toMatch(new RegExp(`^${RUN_ID}\\s+manual\\s+-\\s+failed\\s+1/1/2\\s+\\S+ \\S+\\s+12\\.0 s$`, 'm'));
    expect(list.stdout).toMatch(/more: partita pipelines runs shop --cursor c2/);
    const one = await run(['pipelines', 'runs', 'shop', RUN_ID], routes);
    expect(one.stdout).toMatch(/^status:\s+failed$/m);
    expect(one.stdout).toMatch(new RegExp(`^orders\\s+shop-orders\\s+succeeded\\s+${JOB_A}`, 'm'));
  });

  it('deletes a pipeline and cancels a run; a missing pipeline exits with 1', async () => {
    const del = await run(['pipelines', 'delete', 'shop'], { 'DELETE /pipelines/shop': () => ({ status: 204, body: undefined }) });
    expect(del).toMatchObject({ code: EXIT_OK, stdout: 'pipeline shop deleted\n', stderr: '' });
    const cancel = await run(['pipelines', 'cancel', 'shop', RUN_ID], {
      [`DELETE /pipelines/shop/runs/${RUN_ID}`]: () => ({ status: 200, body: runView({ status: 'cancelled' }) }),
    });
    expect(cancel.stdout).toBe(`run ${RUN_ID} cancelled\n`);
    const missing = await run(['pipelines', 'show', 'nope'], {
      'GET /pipelines/nope': () => ({
        status: 404,
        body: { statusCode: 404, code: 'PARTITA_ERR_NOT_FOUND', error: 'Not Found', message: 'pipeline nope does not exist' },
      }),
    });
    expect(missing).toMatchObject({
      code: EXIT_FAILURE,
      stderr: 'partita: pipeline nope does not exist (404 Not Found, PARTITA_ERR_NOT_FOUND)\n',
    });
  });

  it('prints the pipelines help', async () => {
    expect((await run(['pipelines', '--help'])).stdout).toMatch(/^usage: partita pipelines SUBCOMMAND/);
    expect((await run(['help', 'pipelines'])).stdout).toMatch(/^usage: partita pipelines SUBCOMMAND/);
    const bad = await run(['pipelines', 'frob']);
    expect(bad).toMatchObject({ code: EXIT_BAD_INPUT });
    expect(bad.stderr).toMatch(/unknown subcommand "frob"[\s\S]*partita pipelines --help/);
  });
});
