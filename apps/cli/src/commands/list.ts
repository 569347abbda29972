import type { JobStatus, JobSummary } from '@partita/contracts';
import { formatDuration, formatSpeedup, formatTimestamp, table } from '@partita/format';
import { doneFraction } from '../progress.js';
import { printJson, type Context } from './context.js';

/** `partita list [--status S] [--limit N] [--cursor C]`: jobs, newest first. */
export async function listCommand(
  ctx: Context,
  query: { status: JobStatus | undefined; limit: number; cursor: string | undefined },
): Promise<number> {
  const page = await ctx.client.listJobs(query);
  if (ctx.options.json) {
    printJson(ctx.stdout, page);
    return 0;
  }
  if (page.items.length === 0) {
    ctx.stdout.write(query.status ? `no ${query.status} jobs\n` : 'no jobs\n');
    return 0;
  }
  ctx.stdout.write(`${jobsTable(page.items)}\n`);
  if (page.nextCursor)
    ctx.stdout.write(`\nmore: partita list --cursor ${page.nextCursor}${query.status ? ` --status ${query.status}` : ''}\n`);
  return 0;
}

/** id, kind, status, progress (partitions done and the share of items), created, wall time, speed-up. */
export function jobsTable(jobs: readonly JobSummary[]): string {
  return table(
    ['id', 'kind', 'status', 'progress', 'created', 'wall', 'speed-up'],
    jobs.map((j) => [
      j.id,
      j.kind,
      j.status,
      `${j.progress.done}/${j.progress.total} ${`${Math.floor(doneFraction(j) * 100)}%`.padStart(4)}`,
      formatTimestamp(j.createdAt),
      formatDuration(j.timings.wallMs),
      formatSpeedup(j.timings.speedup),
    ]),
    ['left', 'left', 'left', 'right', 'left', 'right', 'right'],
  );
}
