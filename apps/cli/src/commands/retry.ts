import { printJson, type Context } from './context.js';

/** `partita retry ID`: a failed job's failed partitions run again. */
export async function retryCommand(ctx: Context, id: string): Promise<number> {
  const result = await ctx.client.retry(id);
  if (ctx.options.json) printJson(ctx.stdout, result);
  else ctx.stdout.write(`job ${result.id} ${result.status}: its failed partitions run again (partita watch ${result.id})\n`);
  return 0;
}
