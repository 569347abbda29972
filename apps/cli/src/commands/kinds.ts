import type { KindList } from '@partita/contracts';
import { table } from '@partita/format';
import { printJson, type Context } from './context.js';

/** `partita kinds`: the kinds the master serves, with their live workers, then what each offers (a program kind's programs). */
export async function kindsCommand(ctx: Context): Promise<number> {
  const list = await ctx.client.listKinds();
  if (ctx.options.json) printJson(ctx.stdout, list);
  else ctx.stdout.write([kindsTable(list), ...offeringsTables(list)].join('\n\n') + '\n');
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

/** One table per kind that offers named variants: `<kind> <noun> (a job picks one by "<field>")`, then name, version, description. */
export function offeringsTables(list: KindList): string[] {
  return list.items.flatMap((k) => {
    const offerings = k.offerings;
    if (!offerings || offerings.items.length === 0) return [];
    const rows = offerings.items.map((o) => [o.name, o.version ?? '', o.description ?? '']);
    const heading = `${k.name} ${offerings.noun} (a job picks one by "${offerings.field}")`;
    return [`${heading}\n${table(['name', 'version', 'description'], rows, ['left', 'left', 'left'])}`];
  });
}
