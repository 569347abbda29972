import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineRunView } from '@partita/contracts';
import type { PartitaClient } from '../client.js';
import { PollFailures } from '../poll-failures.js';
import { LiveRegion, type Output } from '../terminal.js';
import { printJson, type Context } from './context.js';
import { isRunEnded, runEntriesTable, runHeader, runProgressLine, runTimingsLine, runsTable } from './pipelines-format.js';

/** `partita pipelines run NAME [--category C] [--watch]`: prints the run's id; with --watch follows it to its end. */
export async function runPipelineCommand(ctx: Context, pipeline: string, category: string | undefined, watch: boolean): Promise<number> {
  const started = await ctx.client.startRun(pipeline, category);
  if (!watch) {
    if (ctx.options.json) printJson(ctx.stdout, started);
    else ctx.stdout.write(`${started.id}\n`);
    return 0;
  }
  // With --json the progress goes to stderr, so that stdout holds only the final run's JSON.
  if (!ctx.options.json) ctx.stdout.write(`${started.id}\n`);
  const run = await watchRun(ctx.client, started, ctx.options.json ? ctx.stderr : ctx.stdout);
  if (ctx.options.json) printJson(ctx.stdout, run);
  else ctx.stdout.write(`\n${runEntriesTable(run)}\n\n${runTimingsLine(run)}\n`);
  return run.status === 'succeeded' ? 0 : 1;
}

export interface RunWatchOptions {
  /** Time between two polls. Default 2 s. */
  pollMs?: number;
  /** How long the master may stay unreachable (or answer 5xx) before watching gives up. Default 60 s. */
  giveUpAfterMs?: number;
}

/**
 * Polls a run until it has ended, writing its progress line after each poll: redrawn in place on a terminal, one line
 * per poll otherwise. The first poll is immediate. Returns the run's last view.
 */
export async function watchRun(
  client: PartitaClient,
  started: PipelineRunView,
  out: Output,
  options: RunWatchOptions = {},
): Promise<PipelineRunView> {
  const pollMs = options.pollMs ?? 2000;
  const failures = new PollFailures(options.giveUpAfterMs ?? 60_000);
  const region = out.isTTY ? new LiveRegion(out) : undefined;
  let run = started;
  for (let first = true; ; first = false) {
    if (!first) await sleep(pollMs);
    let note = '';
    try {
      run = await client.getRun(started.pipeline, started.id);
      failures.answered();
    } catch (err) {
      note = `  (${failures.tolerate(err)})`;
    }
    const line = `${runProgressLine(run)}${note}`;
    const ended = isRunEnded(run);
    if (region && ended) region.print(line);
    else if (region) region.render([line]);
    else out.write(`${line}\n`);
    if (ended) return run;
  }
}

/** `partita pipelines runs NAME [RUN_ID] [--limit N] [--cursor C]`: the runs, newest first, or one run's entries. */
export async function runsCommand(
  ctx: Context,
  pipeline: string,
  runId: string | undefined,
  query: { limit: number; cursor: string | undefined },
): Promise<number> {
  if (runId !== undefined) {
    const run = await ctx.client.getRun(pipeline, runId);
    if (ctx.options.json) printJson(ctx.stdout, run);
    else ctx.stdout.write(`${runHeader(run)}\n\n${run.entries.length === 0 ? 'no entries' : runEntriesTable(run)}\n`);
    return 0;
  }
  const page = await ctx.client.listRuns(pipeline, query);
  if (ctx.options.json) printJson(ctx.stdout, page);
  else if (page.items.length === 0) ctx.stdout.write(`no runs of ${pipeline}\n`);
  else {
    ctx.stdout.write(`${runsTable(page.items)}\n`);
    if (page.nextCursor) ctx.stdout.write(`\nmore: partita pipelines runs ${pipeline} --cursor ${page.nextCursor}\n`);
  }
  return 0;
}

/** `partita pipelines cancel NAME RUN_ID`: the run's jobs are cancelled. */
export async function cancelRunCommand(ctx: Context, pipeline: string, runId: string): Promise<number> {
  const run = await ctx.client.cancelRun(pipeline, runId);
  if (ctx.options.json) printJson(ctx.stdout, run);
  else ctx.stdout.write(`run ${run.id} ${run.status}\n`);
  return 0;
}
