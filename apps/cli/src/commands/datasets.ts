import type { DatasetHistory, DatasetList } from '@partita/contracts';
import { formatBytes, formatCount, formatTimestamp, table } from '@partita/format';
import { printJson, type Context } from './context.js';

/** `partita datasets [NAME]`: every dataset with its latest version, or every version of one. */
export async function datasetsCommand(ctx: Context, name: string | undefined): Promise<number> {
  if (name === undefined) {
    const list = await ctx.client.listDatasets();
    if (ctx.options.json) printJson(ctx.stdout, list);
    else ctx.stdout.write(list.items.length === 0 ? 'no datasets\n' : `${datasetsTable(list)}\n`);
    return 0;
  }
  const history = await ctx.client.getDataset(name);
  if (ctx.options.json) printJson(ctx.stdout, history);
  else ctx.stdout.write(`dataset ${history.name}\n\n${versionsTable(history)}\n`);
  return 0;
}

export function datasetsTable(list: DatasetList): string {
  return table(
    ['name', 'latest', 'versions', 'kind', 'rows', 'files', 'size', 'created', 'job', 'description'],
    list.items.map((d) => [
      d.name,
      `v${d.version}`,
      String(d.versions),
      d.kind,
      formatCount(d.rows),
      String(d.files),
      formatBytes(d.bytes),
      formatTimestamp(d.createdAt),
      d.jobId,
      d.description,
    ]),
    ['left', 'right', 'right', 'left', 'right', 'right', 'right', 'left', 'left', 'left'],
  );
}

export function versionsTable(history: DatasetHistory): string {
  return table(
    ['version', 'job', 'kind', 'rows', 'files', 'size', 'created', 'manifest'],
    history.versions.map((v) => [
      `v${v.version}`,
      v.jobId,
      v.kind,
      formatCount(v.rows),
      String(v.files),
      formatBytes(v.bytes),
      formatTimestamp(v.createdAt),
      `${v.container}/${v.manifest}`,
    ]),
    ['right', 'left', 'left', 'right', 'right', 'right', 'left', 'left'],
  );
}
