import { readSpecFile } from '../spec-file.js';
import { printJson, type Context } from './context.js';
import { watchCommand } from './watch.js';

/** `partita submit SPEC [--watch] [--idempotency-key K]`: prints the job's id, then follows it with `--watch`. */
export async function submitCommand(ctx: Context, spec: string, watch: boolean, idempotencyKey: string | undefined): Promise<number> {
  const body = await readSpecFile(spec, ctx.stdin);
  const result = await ctx.client.submit(body, idempotencyKey);
  if (!result.created) ctx.stderr.write(`job ${result.id} already exists for this idempotency key; nothing new was submitted\n`);
  if (watch) {
    if (!ctx.options.json) ctx.stdout.write(`${result.id}\n`);
    return watchCommand(ctx, [result.id]);
  }
  if (ctx.options.json) printJson(ctx.stdout, { id: result.id, status: result.status });
  else ctx.stdout.write(`${result.id}\n`);
  return 0;
}
