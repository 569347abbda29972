import { watchJobs } from '../watch.js';
import { printJson, type Context } from './context.js';

/**
 * `partita watch ID...`: progress until every job ended, then their timings tables. Exit code 0 when every job
 * succeeded. With `--json` the progress goes to stderr and the final views to stdout.
 */
export async function watchCommand(ctx: Context, ids: readonly string[]): Promise<number> {
  const jobs = await watchJobs(ctx.client, ids, { out: ctx.options.json ? ctx.stderr : ctx.stdout });
  if (ctx.options.json) printJson(ctx.stdout, jobs.length === 1 ? jobs[0] : jobs);
  return jobs.every((j) => j.status === 'succeeded') ? 0 : 1;
}
