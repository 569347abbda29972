import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, runCli } from './cli.js';
import { jobView, partitionView } from './job.fixture.js';
import type { Output } from './terminal.js';

const ID = '5e4a18a3-1111-4222-8333-444455556666';

type Route = (req: { method: string; path: string; headers: Headers; body: unknown }) => { status: number; body: unknown };

/** A fetch that answers from `routes` (keyed `METHOD /path`) and records each request. */
function fakeFetch(routes: Record<string, Route>) {
  const requests: { method: string; path: string; headers: Headers; body: unknown }[] = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const req = {
      method,
      path: url.pathname + url.search,
      headers: new Headers(init?.headers),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    requests.push(req);
    const route = routes[`${method} ${url.pathname}`];
    const res = route
      ? route(req)
      : { status: 404, body: { statusCode: 404, code: 'PARTITA_ERR_NOT_FOUND', error: 'Not Found', message: 'no route' } };
    return new Response(JSON.stringify(res.body), { status: res.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { impl, requests };
}

function capture(): Output & { text: string } {
  return {
    text: '',
    isTTY: false,
    columns: undefined,
    write(t) {
      this.text += t;
    },
  };
}

async function run(argv: string[], routes: Record<string, Route> = {}, stdin = '') {
  const stdout = capture();
  const stderr = capture();
  const fetch = fakeFetch(routes);
  const code = await runCli(argv, { stdout, stderr, stdin: Readable.from([stdin]), env: {}, fetch: fetch.impl });
  return { code, stdout: stdout.text, stderr: stderr.text, requests: fetch.requests };
}

const done = jobView({
  status: 'succeeded',
  progress: { done: 1, total: 1, succeeded: 1, failed: 0, running: 0, itemsDone: 10, itemsTotal: 10 },
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
        'POST /jobs': () => ({
          status: 400,
          body: {
            statusCode: 400,
            code: 'PARTITA_ERR_VALIDATION',
            error: 'Bad Request',
            message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
            issues,
          },
        }),
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
    const stderr = capture();
    const refused = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    }) as typeof fetch;
    const code = await runCli(['list', '--url', 'http://127.0.0.1:9'], { stdout: capture(), stderr, env: {}, fetch: refused });
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
