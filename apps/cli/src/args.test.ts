import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_LIMIT, DEFAULT_URL, UsageError, parseCli } from './args.js';

const ID = '5e4a18a3-1111-4222-8333-444455556666';

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('parseCli', () => {
  it('parses submit with its options, global options before or after the command', () => {
    expect(parseCli(['--url', 'http://m:9000/', 'submit', 'job.yaml', '--watch', '--idempotency-key', 'k1', '--json'])).toEqual({
      command: { name: 'submit', spec: 'job.yaml', watch: true, idempotencyKey: 'k1' },
      options: { url: 'http://m:9000', token: undefined, json: true },
    });
    expect(parseCli(['submit', '-']).command).toEqual({ name: 'submit', spec: '-', watch: false, idempotencyKey: undefined });
    expect(parseCli(['submit', '-w', 'a.json']).command).toMatchObject({ watch: true, spec: 'a.json' });
    expect(parseCli(['submit', '--url=http://x:1', 'a.json']).options.url).toBe('http://x:1');
  });

  it('takes the URL and token from the environment unless given, with a default URL', () => {
    expect(parseCli(['list']).options).toEqual({ url: DEFAULT_URL, token: undefined, json: false });
    const env = { PARTITA_URL: 'https://partita.example', PARTITA_TOKEN: 'secret' };
    expect(parseCli(['list'], env).options).toEqual({ url: 'https://partita.example', token: 'secret', json: false });
    expect(parseCli(['list', '--url', 'http://other:1', '--token', 't2'], env).options).toMatchObject({
      url: 'http://other:1',
      token: 't2',
    });
    expect(parseCli(['list'], { PARTITA_URL: '', PARTITA_TOKEN: '' }).options).toEqual({ url: DEFAULT_URL, token: undefined, json: false });
  });

  it('parses watch, list, show, cancel and datasets', () => {
    expect(parseCli(['watch', ID, 'b', ID]).command).toEqual({ name: 'watch', ids: [ID, 'b'] });
    expect(parseCli(['list']).command).toEqual({ name: 'list', status: undefined, limit: DEFAULT_LIST_LIMIT, cursor: undefined });
    expect(parseCli(['list', '--status', 'failed', '--limit', '5', '--cursor', 'abc']).command).toEqual({
      name: 'list',
      status: 'failed',
      limit: 5,
      cursor: 'abc',
    });
    expect(parseCli(['show', ID, '--json'])).toMatchObject({ command: { name: 'show', id: ID }, options: { json: true } });
    expect(parseCli(['cancel', ID]).command).toEqual({ name: 'cancel', id: ID });
    expect(parseCli(['retry', ID]).command).toEqual({ name: 'retry', id: ID });
    expect(parseCli(['datasets']).command).toEqual({ name: 'datasets', dataset: undefined });
    expect(parseCli(['datasets', 'orders']).command).toEqual({ name: 'datasets', dataset: 'orders' });
    expect(parseCli(['kinds', '--json'])).toMatchObject({ command: { name: 'kinds' }, options: { json: true } });
    expect(usageError(() => parseCli(['kinds', 'noop'])).message).toBe('unexpected argument "noop"');
  });

  it('answers help and version in every form', () => {
    expect(parseCli(['--help']).command).toEqual({ name: 'help', topic: undefined });
    expect(parseCli(['-h']).command).toEqual({ name: 'help', topic: undefined });
    expect(parseCli(['help']).command).toEqual({ name: 'help', topic: undefined });
    expect(parseCli(['help', 'submit']).command).toEqual({ name: 'help', topic: 'submit' });
    expect(parseCli(['show', '--help']).command).toEqual({ name: 'help', topic: 'show' });
    expect(parseCli(['submit', '-h']).command).toEqual({ name: 'help', topic: 'submit' });
    expect(parseCli(['--version']).command).toEqual({ name: 'version' });
    expect(parseCli(['-V']).command).toEqual({ name: 'version' });
  });

  it('rejects what it cannot run, naming the command whose help helps', () => {
    expect(usageError(() => parseCli([])).message).toBe('no command given');
    expect(usageError(() => parseCli(['frob'])).message).toBe('unknown command "frob"');
    expect(usageError(() => parseCli(['help', 'frob'])).message).toBe('unknown command "frob"');
    expect(usageError(() => parseCli(['submit'])).topic).toBe('submit');
    expect(usageError(() => parseCli(['submit', 'a.yaml', 'b.yaml'])).message).toBe('unexpected argument "b.yaml"');
    expect(usageError(() => parseCli(['watch'])).message).toBe('missing the job id(s)');
    expect(usageError(() => parseCli(['show'])).message).toBe('missing the job id');
    expect(usageError(() => parseCli(['show', ID, '--watch'])).message).toMatch(/Unknown option '--watch'/);
    expect(usageError(() => parseCli(['list', '--limit', '0'])).message).toMatch(/--limit must be an integer from 1 to 500/);
    expect(usageError(() => parseCli(['list', '--limit', '2.5'])).message).toMatch(/--limit/);
    expect(usageError(() => parseCli(['list', '--status', 'done'])).message).toMatch(/--status must be one of queued, running/);
    expect(usageError(() => parseCli(['list', '--url', 'localhost:8080'])).message).toMatch(/--url must be an http\(s\) URL/);
    expect(usageError(() => parseCli(['list', '--url'])).message).toMatch(/--url/);
    expect(usageError(() => parseCli(['datasets', 'a', 'b'])).message).toBe('unexpected argument "b"');
  });

  it('parses the pipelines subcommands', () => {
    const action = (argv: string[]) => {
      const { command } = parseCli(['pipelines', ...argv]);
      if (command.name !== 'pipelines') throw new Error(`parsed as ${command.name}`);
      return command.action;
    };
    expect(action(['apply', 'p.yaml'])).toEqual({ sub: 'apply', file: 'p.yaml' });
    expect(action(['apply', '-'])).toEqual({ sub: 'apply', file: '-' });
    expect(action(['list'])).toEqual({ sub: 'list' });
    expect(action(['show', 'shop'])).toEqual({ sub: 'show', pipeline: 'shop' });
    expect(action(['run', 'shop'])).toEqual({ sub: 'run', pipeline: 'shop', category: undefined, watch: false });
    expect(action(['run', '--category', 'daily', 'shop', '-w'])).toEqual({ sub: 'run', pipeline: 'shop', category: 'daily', watch: true });
    expect(action(['runs', 'shop'])).toEqual({
      sub: 'runs',
      pipeline: 'shop',
      runId: undefined,
      limit: DEFAULT_LIST_LIMIT,
      cursor: undefined,
    });
    expect(action(['runs', 'shop', ID, '--limit', '3'])).toEqual({ sub: 'runs', pipeline: 'shop', runId: ID, limit: 3, cursor: undefined });
    expect(action(['cancel', 'shop', ID])).toEqual({ sub: 'cancel', pipeline: 'shop', runId: ID });
    expect(action(['delete', 'shop'])).toEqual({ sub: 'delete', pipeline: 'shop' });
    expect(parseCli(['--json', 'pipelines', 'list']).options.json).toBe(true);
    expect(parseCli(['pipelines', '--help']).command).toEqual({ name: 'help', topic: 'pipelines' });
    expect(parseCli(['pipelines', 'run', 'shop', '--help']).command).toEqual({ name: 'help', topic: 'pipelines' });
    expect(parseCli(['help', 'pipelines']).command).toEqual({ name: 'help', topic: 'pipelines' });
  });

  it('rejects pipelines command lines it cannot run', () => {
    const message = (argv: string[]) => usageError(() => parseCli(['pipelines', ...argv])).message;
    expect(message([])).toBe('missing the subcommand (apply, list, show, run, runs, cancel, delete)');
    expect(message(['frob'])).toMatch(/^unknown subcommand "frob"/);
    expect(message(['apply'])).toBe('missing the pipelines file (or "-" for stdin)');
    expect(message(['list', 'x'])).toBe('unexpected argument "x"');
    expect(message(['show'])).toBe('missing the pipeline name');
    expect(message(['show', 'a b'])).toMatch(/^"a b" is not a pipeline name: a pipeline name must start/);
    expect(message(['list', '--watch'])).toBe('--watch is not an option of "pipelines list"');
    expect(message(['show', 'shop', '--limit', '3'])).toBe('--limit is not an option of "pipelines show"');
    expect(message(['run', 'shop', '--category', 'no way'])).toMatch(/^--category must start with a letter/);
    expect(message(['runs', 'shop', ID, 'x'])).toBe('unexpected argument "x"');
    expect(message(['runs', 'shop', '--limit', '0'])).toMatch(/--limit must be an integer/);
    expect(message(['cancel', 'shop'])).toBe('missing the run id');
    expect(usageError(() => parseCli(['pipelines', 'run'])).topic).toBe('pipelines');
  });
});
