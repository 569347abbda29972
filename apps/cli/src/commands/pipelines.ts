import type { PipelinesAction } from '../args.js';
import { ApiRequestError } from '../client.js';
import { readObjectsFile } from '../spec-file.js';
import { printJson, type Context } from './context.js';
import { entriesTable, pipelineHeader, pipelinesTable } from './pipelines-format.js';
import { cancelRunCommand, runPipelineCommand, runsCommand } from './pipelines-runs.js';

/** `partita pipelines SUBCOMMAND ...`: configuration-driven pipelines of extracts. */
export function pipelinesCommand(ctx: Context, action: PipelinesAction): Promise<number> {
  switch (action.sub) {
    case 'apply':
      return applyCommand(ctx, action.file);
    case 'list':
      return listPipelinesCommand(ctx);
    case 'show':
      return showPipelineCommand(ctx, action.pipeline);
    case 'run':
      return runPipelineCommand(ctx, action.pipeline, action.category, action.watch);
    case 'runs':
      return runsCommand(ctx, action.pipeline, action.runId, action);
    case 'cancel':
      return cancelRunCommand(ctx, action.pipeline, action.runId);
    case 'delete':
      return deletePipelineCommand(ctx, action.pipeline);
  }
}

/** `partita pipelines apply FILE`: every pipeline of the file in one request, all or none; a line per pipeline. */
async function applyCommand(ctx: Context, file: string): Promise<number> {
  const pipelines = await readObjectsFile(file, { noun: 'pipeline', listKey: 'pipelines' }, ctx.stdin);
  let result;
  try {
    result = await ctx.client.applyPipelines(pipelines);
  } catch (err) {
    throw nameIssues(err, pipelines);
  }
  if (ctx.options.json) printJson(ctx.stdout, result);
  else ctx.stdout.write(result.items.map((item) => `${item.name}  ${item.outcome}\n`).join(''));
  return 0;
}

/**
 * The API names a pipeline of the request by its index (`pipelines[1].entries[0].name`); a file's reader knows it by
 * its name, so each such issue gets the name added. Anything but an ApiRequestError with issues is returned as is.
 */
export function nameIssues(err: unknown, pipelines: readonly Record<string, unknown>[]): unknown {
  if (!(err instanceof ApiRequestError) || err.issues.length === 0) return err;
  const joined = (list: typeof err.issues) => list.map((i) => `${i.path}: ${i.message}`).join('; ');
  const issues = err.issues.map((issue) => {
    const index = /^pipelines\[(\d+)\]/.exec(issue.path)?.[1];
    const name = index === undefined ? undefined : pipelines[Number(index)]?.['name'];
    return typeof name === 'string' && name !== '' ? { path: issue.path, message: `${issue.message} (pipeline "${name}")` } : issue;
  });
  // A message that only repeats the issues is rebuilt from the named ones, so that it still only repeats them.
  const message = err.message === joined(err.issues) ? joined(issues) : err.message;
  return new ApiRequestError(err.method, err.path, err.status, err.reason, message, err.code, issues);
}

/** `partita pipelines list`. */
async function listPipelinesCommand(ctx: Context): Promise<number> {
  const list = await ctx.client.listPipelines();
  if (ctx.options.json) printJson(ctx.stdout, list);
  else ctx.stdout.write(list.items.length === 0 ? 'no pipelines\n' : `${pipelinesTable(list)}\n`);
  return 0;
}

/** `partita pipelines show NAME`: the pipeline's header, then its entries as a run would submit them. */
async function showPipelineCommand(ctx: Context, name: string): Promise<number> {
  const pipeline = await ctx.client.getPipeline(name);
  if (ctx.options.json) printJson(ctx.stdout, pipeline);
  else
    ctx.stdout.write(`${pipelineHeader(pipeline)}\n\n${pipeline.entries.length === 0 ? 'no entries' : entriesTable(pipeline.entries)}\n`);
  return 0;
}

/** `partita pipelines delete NAME`. The API answers 204 without a body, so `--json` prints nothing. */
async function deletePipelineCommand(ctx: Context, name: string): Promise<number> {
  await ctx.client.deletePipeline(name);
  if (!ctx.options.json) ctx.stdout.write(`pipeline ${name} deleted\n`);
  return 0;
}
