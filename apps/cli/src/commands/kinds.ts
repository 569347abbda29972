import type { KindList } from '@partita/contracts';
import { table } from '@partita/format';
import { printJson, type Context } from './context.js';

/** `partita kinds`: the kinds the master serves, with their live workers. */
export async function kindsCommand(ctx: Context): Promise<number> {
  const list = await ctx.client.listKinds();
  if (ctx.options.json) printJson(ctx.stdout, list);
  else ctx.stdout.write(`${kindsTable(list)}\n`);
  return 0;
}

export function kindsTable(list: KindList): string {
  return table(
    ['kind', 'version', 'counts', 'input', 'queue', 'workers', 'description'],
    list.items.map((k) => {
      const versions = [...new Set(k.workers.map((w) => w.version))].sort().join(', ');
      return [
        k.name,
        k.version,
        k.itemNoun,
        k.input.type,
        k.queue,
        k.workers.length === 0 ? 'none' : `${k.workers.length} (${versions})`,
        k.description,
      ];
    }),
    ['left', 'left', 'left', 'left', 'left', 'right', 'left'],
  );
}
