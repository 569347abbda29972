import { jobHeader, timingsReport } from '../report.js';
import { printJson, type Context } from './context.js';

/** `partita show ID`: the job's header and its timings table. */
export async function showCommand(ctx: Context, id: string): Promise<number> {
  const job = await ctx.client.getJob(id);
  if (ctx.options.json) printJson(ctx.stdout, job);
  else ctx.stdout.write(`${jobHeader(job)}\n\n${timingsReport(job)}\n`);
  return 0;
}
