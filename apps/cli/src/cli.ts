import { createRequire } from 'node:module';
import { UsageError, parseCli, type Command } from './args.js';
import { ApiRequestError, PartitaClient, UnreachableError } from './client.js';
import { cancelCommand } from './commands/cancel.js';
import { retryCommand } from './commands/retry.js';
import type { Context } from './commands/context.js';
import { datasetsCommand } from './commands/datasets.js';
import { kindsCommand } from './commands/kinds.js';
import { listCommand } from './commands/list.js';
import { pipelinesCommand } from './commands/pipelines.js';
import { showCommand } from './commands/show.js';
import { submitCommand } from './commands/submit.js';
import { watchCommand } from './commands/watch.js';
import { COMMAND_HELP, OVERVIEW } from './help.js';
import { SpecFileError } from './spec-file.js';
import { streamOutput, type Output } from './terminal.js';

/** Exit codes: success; a failure (a job failed, the master unreachable, not found); bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export interface CliIO {
  stdout?: Output;
  stderr?: Output;
  stdin?: NodeJS.ReadableStream;
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}

/** Runs one command line and returns its exit code; expected errors are printed as one or a few lines, never as stacks. */
export async function runCli(argv: readonly string[], io: CliIO = {}): Promise<number> {
  const stdout = io.stdout ?? streamOutput(process.stdout);
  const stderr = io.stderr ?? streamOutput(process.stderr);
  try {
    const { command, options } = parseCli(argv, io.env ?? process.env);
    if (command.name === 'help') {
      stdout.write(`${command.topic ? COMMAND_HELP[command.topic] : OVERVIEW}\n`);
      return EXIT_OK;
    }
    if (command.name === 'version') {
      stdout.write(`partita ${version()}\n`);
      return EXIT_OK;
    }
    const client = new PartitaClient({ baseUrl: options.url, token: options.token, ...(io.fetch ? { fetch: io.fetch } : {}) });
    const ctx: Context = { client, options, stdout, stderr, stdin: io.stdin ?? process.stdin };
    return await dispatch(ctx, command);
  } catch (err) {
    return reportError(err, stderr);
  }
}

function dispatch(ctx: Context, command: Exclude<Command, { name: 'help' | 'version' }>): Promise<number> {
  switch (command.name) {
    case 'submit':
      return submitCommand(ctx, command.spec, command.watch, command.idempotencyKey);
    case 'watch':
      return watchCommand(ctx, command.ids);
    case 'list':
      return listCommand(ctx, command);
    case 'show':
      return showCommand(ctx, command.id);
    case 'cancel':
      return cancelCommand(ctx, command.id);
    case 'retry':
      return retryCommand(ctx, command.id);
    case 'datasets':
      return datasetsCommand(ctx, command.dataset);
    case 'kinds':
      return kindsCommand(ctx);
    case 'pipelines':
      return pipelinesCommand(ctx, command.action);
  }
}

/** Prints an error for a person and returns the exit code it means. */
export function reportError(err: unknown, stderr: Output): number {
  if (err instanceof UsageError) {
    const usageLine = err.usage.split('\n')[0] ?? '';
    const more = err.topic ? `partita ${err.topic} --help` : 'partita --help';
    stderr.write(`partita: ${err.message}\n${usageLine}\n(more: ${more})\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof SpecFileError) {
    stderr.write(`partita: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof ApiRequestError) {
    stderr.write(`${apiErrorLines(err).join('\n')}\n`);
    return err.badInput ? EXIT_BAD_INPUT : EXIT_FAILURE;
  }
  if (err instanceof UnreachableError) {
    stderr.write(`partita: ${err.message}\n`);
    return EXIT_FAILURE;
  }
  stderr.write(`partita: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT_FAILURE;
}

/**
 * The API's message, then each offending field as `path: message`. A validation message that only repeats the
 * issues is replaced by the status line, so that each issue is printed once.
 */
export function apiErrorLines(err: ApiRequestError): string[] {
  const status = `${err.status} ${err.reason}`.trim();
  const repeatsIssues = err.issues.length > 0 && err.message === err.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  const head = repeatsIssues
    ? `partita: the master rejected the request (${status})`
    : `partita: ${err.message} (${status}${err.code ? `, ${err.code}` : ''})`;
  return [head, ...err.issues.map((i) => `  ${i.path}: ${i.message}`)];
}

function version(): string {
  const pkg = createRequire(import.meta.url)('../package.json') as { version?: string };
  return pkg.version ?? 'unknown';
}
