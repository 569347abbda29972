import type { JobView } from '@partita/contracts';

const ms = (v: number | null): string => (v === null ? '-' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

/** One line: `[#####.....]  7/16 partitions  875/2000 groups  3.2 s`. */
export function progressLine(job: JobView, width = 30): string {
  const { done, total, itemsDone, itemsTotal, failed } = job.progress;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const rate = job.timings.wallMs > 0 ? (itemsDone / job.timings.wallMs) * 1000 : 0;
  const eta = rate > 0 && itemsDone < itemsTotal ? ` ETA ${ms(((itemsTotal - itemsDone) / rate) * 1000)}` : '';
  return `${bar} ${done}/${total} partitions  ${itemsDone}/${itemsTotal} items  ${ms(job.timings.wallMs)}  ${job.status}${failed ? `  ${failed} failed` : ''}${eta}`;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The timings table: per partition wait, run time, attempts and worker; then the job's wall time, sum and speed-up. */
export function timingsReport(job: JobView): string {
  const partitions = table(
    ['partition', 'items', 'worker', 'attempts', 'queue wait', 'run', 'rows', 'status'],
    job.partitions.map((p) => [
      String(p.index),
      String(p.items),
      p.workerId ?? '-',
      String(p.attempts),
      ms(p.queueWaitMs),
      ms(p.runMs),
      p.rows === null ? '-' : String(p.rows),
      p.status,
    ]),
  );
  const t = job.timings;
  const summary = table(
    ['job', 'status', 'wall', 'sum of partitions (sequential)', 'speed-up', 'workers', 'efficiency'],
    [
      [
        job.id.slice(0, 8),
        job.status,
        ms(t.wallMs),
        ms(t.sumPartitionMs),
        `${t.speedup.toFixed(2)}x`,
        String(t.workers),
        t.efficiency.toFixed(2),
      ],
    ],
  );
  const output = job.output.manifest ? `\nmanifest: ${job.output.container}/${job.output.manifest}` : '';
  const error = job.error ? `\nerror: ${job.error.message}` : '';
  return `${partitions}\n\n${summary}${output}${error}`;
}
