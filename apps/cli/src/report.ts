import type { JobView } from '@partita/contracts';
import { formatCount, formatDuration, formatSpeedup, formatTimestamp, table } from '@partita/format';

/** Per partition: items, worker, attempts, queue wait, run time, rows and status. */
export function partitionsTable(job: Pick<JobView, 'partitions'>): string {
  return table(
    ['partition', 'items', 'worker', 'attempts', 'queue wait', 'run', 'rows', 'status'],
    job.partitions.map((p) => [
      String(p.index),
      String(p.items),
      p.workerId ?? '-',
      String(p.attempts),
      formatDuration(p.queueWaitMs),
      formatDuration(p.runMs),
      p.rows === null ? '-' : String(p.rows),
      p.status,
    ]),
  );
}

/** The job's wall time, the summed partition time a sequential process would need, the speed-up and the efficiency. */
export function jobTimingsTable(job: Pick<JobView, 'id' | 'status' | 'timings'>): string {
  const t = job.timings;
  return table(
    ['job', 'status', 'wall', 'sum of partitions (sequential)', 'speed-up', 'workers', 'efficiency'],
    [
      [
        job.id.slice(0, 8),
        job.status,
        formatDuration(t.wallMs),
        formatDuration(t.sumPartitionMs),
        formatSpeedup(t.speedup),
        String(t.workers),
        t.efficiency.toFixed(2),
      ],
    ],
  );
}

/** Extracts: the source's rows in the snapshot against the rows written; null for other kinds. */
export function completenessLine(job: Pick<JobView, 'extract'>): string | null {
  if (!job.extract) return null;
  const { sourceRows, rowsWritten, complete } = job.extract.completeness;
  const n = (v: number | null) => (v === null ? '-' : formatCount(v));
  const verdict = complete === null ? 'not yet known' : complete ? 'complete' : 'INCOMPLETE';
  return `completeness: sourceRows ${n(sourceRows)}, rowsWritten ${n(rowsWritten)} (${verdict})`;
}

/** The timings table: partitions, then the job; for extracts the completeness line between the two. */
export function timingsReport(job: JobView): string {
  const completeness = completenessLine(job);
  return [partitionsTable(job), ...(completeness ? [completeness] : []), jobTimingsTable(job)].join('\n\n');
}

/** Where the result is, or why there is none: `manifest: …` and `error: …` lines (empty while nothing is known). */
export function outcomeLines(job: Pick<JobView, 'output' | 'error'>): string[] {
  const lines: string[] = [];
  if (job.output.manifest) lines.push(`manifest: ${job.output.container}/${job.output.manifest}`);
  if (job.error) lines.push(`error: ${job.error.message}${job.error.code ? ` (${job.error.code})` : ''}`);
  return lines;
}

/** The header of `show`: identity, status, times, output and dataset, then the outcome. */
export function jobHeader(job: JobView): string {
  const rows: [string, string][] = [
    ['job', job.id],
    ['kind', job.kind],
    ['status', job.status],
    ['created', formatTimestamp(job.createdAt)],
    ['started', formatTimestamp(job.startedAt)],
    ['finished', formatTimestamp(job.finishedAt)],
    ['output', `${job.output.container}/${job.output.prefix}`],
    ['manifest', job.output.manifest ? `${job.output.container}/${job.output.manifest}` : '-'],
  ];
  if (job.dataset) rows.push(['dataset', job.dataset.name]);
  if (job.extract?.snapshot.note) rows.push(['snapshot', job.extract.snapshot.note]);
  if (job.error) rows.push(['error', `${job.error.message}${job.error.code ? ` (${job.error.code})` : ''}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width + 1)}  ${v}`).join('\n');
}
