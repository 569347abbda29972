import { printJson, type Context } from './context.js';

/** `partita cancel ID`: partitions not yet started never run. */
export async function cancelCommand(ctx: Context, id: string): Promise<number> {
  const result = await ctx.client.cancel(id);
  if (ctx.options.json) printJson(ctx.stdout, result);
  else ctx.stdout.write(`job ${result.id} ${result.status}\n`);
  return 0;
}
