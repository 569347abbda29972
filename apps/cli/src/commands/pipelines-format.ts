import type { EntryView, PipelineList, PipelineRunList, PipelineRunView, PipelineView, RunStatus, ScheduleView } from '@partita/contracts';
import { formatCount, formatDuration, formatShortDuration, formatSpeedup, formatTimestamp, table } from '@partita/format';

/** Tables and lines of `partita pipelines`: pure, from the API's views. */

const ENDED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/** A run has ended once it succeeded, failed or was cancelled. */
export function isRunEnded(run: Pick<PipelineRunView, 'status'>): boolean {
  return ENDED.includes(run.status);
}

/** `0 2 * * * (Europe/Paris)`, or `-` without a schedule. */
export function scheduleText(schedule: ScheduleView | null): string {
  return schedule ? `${schedule.cron} (${schedule.timezone})` : '-';
}

/** name, entries (enabled/total), schedule, next run, updated, description. */
export function pipelinesTable(list: PipelineList): string {
  return table(
    ['name', 'entries', 'schedule', 'next run', 'updated', 'description'],
    list.items.map((p) => [
      p.name,
      `${p.enabledEntries}/${p.entries}`,
      scheduleText(p.schedule),
      formatTimestamp(p.schedule?.nextRunAt),
      formatTimestamp(p.updatedAt),
      p.description,
    ]),
    ['left', 'right', 'left', 'left', 'left', 'left'],
  );
}

/** `key:  value` lines with the values aligned; a row with an empty key continues the one above. */
export function fieldLines(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return rows.map(([k, v]) => `${(k ? `${k}:` : '').padEnd(width)}  ${v}`.trimEnd()).join('\n');
}

/** A setting's value as one line: strings as they are, anything else as compact JSON. */
function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The head of `pipelines show`: name, description, schedule, times and the pipeline's own settings, one per line. */
export function pipelineHeader(p: PipelineView): string {
  const rows: [string, string][] = [
    ['pipeline', p.name],
    ['description', p.description || '-'],
    ['schedule', p.schedule ? `${scheduleText(p.schedule)}${p.schedule.category ? `, category ${p.schedule.category}` : ''}` : '-'],
  ];
  if (p.schedule) rows.push(['next run', formatTimestamp(p.schedule.nextRunAt)]);
  rows.push(['created', formatTimestamp(p.createdAt)], ['updated', formatTimestamp(p.updatedAt)]);
  const settings = Object.entries(p.settings).filter(([, v]) => v !== undefined);
  if (settings.length === 0) rows.push(['settings', '-']);
  settings.forEach(([key, value], i) => rows.push([i === 0 ? 'settings' : '', `${key}: ${valueText(value)}`]));
  return fieldLines(rows);
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const text = (v: unknown, fallback: string): string => (typeof v === 'string' && v !== '' ? v : fallback);

/** A chunk rule: `8 chunks` or `1,000,000 rows/chunk`. */
export function chunksText(rule: unknown): string {
  const r = record(rule);
  if (typeof r['count'] === 'number') return `${formatCount(r['count'])} chunks`;
  if (typeof r['rowsPerChunk'] === 'number') return `${formatCount(r['rowsPerChunk'])} rows/chunk`;
  return '-';
}

/**
 * Per entry: name, category, enabled, source (the table, "query", or a job's kind), and from the effective spec its
 * sink and chunks.
 */
export function entriesTable(entries: readonly EntryView[]): string {
  return table(
    ['entry', 'category', 'enabled', 'source', 'dataset', 'container/prefix', 'chunks'],
    entries.map((e) => {
      const spec = e.effective.spec;
      const output = record(spec['output']);
      return [
        e.name,
        e.category ?? '-',
        e.enabled ? 'yes' : 'no',
        sourceText(e),
        text(record(spec['dataset'])['name'], e.name),
        `${text(output['container'], '-')}/${text(output['prefix'], '')}`,
        chunksText(e.effective.settings['chunks']?.value),
      ];
    }),
    ['left', 'left', 'left', 'left', 'left', 'left', 'left'],
  );
}

/** An extract's table (or "query"), or a job entry's kind. */
function sourceText(e: EntryView): string {
  if (e.source) return typeof e.source['table'] === 'string' ? e.source['table'] : 'query';
  return `job: ${text(e.effective.spec['kind'], '?')}`;
}

type RunSummary = PipelineRunList['items'][number];

/** id, trigger, category, status, entries (ok/failed/total), created, wall time. */
export function runsTable(runs: readonly RunSummary[]): string {
  return table(
    ['run', 'trigger', 'category', 'status', 'entries ok/failed/total', 'created', 'wall'],
    runs.map((r) => {
      const e = r.progress.entries;
      return [
        r.id,
        r.trigger,
        r.category ?? '-',
        r.status,
        `${e.succeeded}/${e.failed}/${e.total}`,
        formatTimestamp(r.createdAt),
        formatDuration(r.timings.wallMs),
      ];
    }),
    ['left', 'left', 'left', 'left', 'right', 'left', 'right'],
  );
}

/** Per entry of a run: its dataset, status, job, rows written, wall time and error. */
export function runEntriesTable(run: Pick<PipelineRunView, 'entries'>): string {
  return table(
    ['entry', 'dataset', 'status', 'job', 'rows', 'wall', 'error'],
    run.entries.map((e) => [
      e.entry,
      e.dataset,
      e.status,
      e.job?.id ?? '-',
      e.job ? formatCount(e.job.progress.itemsDone) : '-',
      formatDuration(e.job?.timings.wallMs),
      e.job?.error?.message ?? '',
    ]),
    ['left', 'left', 'left', 'left', 'right', 'right', 'left'],
  );
}

/** `wall 12.4 s, sum of partitions 40.0 s, speed-up 3.23x, 4 workers`. */
export function runTimingsLine(run: Pick<PipelineRunView, 'timings'>): string {
  const t = run.timings;
  const workers = `${t.workers} worker${t.workers === 1 ? '' : 's'}`;
  return `wall ${formatDuration(t.wallMs)}, sum of partitions ${formatDuration(t.sumPartitionMs)}, speed-up ${formatSpeedup(t.speedup)}, ${workers}`;
}

/** The head of one run: identity, status, trigger, times and timings. */
export function runHeader(run: PipelineRunView): string {
  return fieldLines([
    ['run', run.id],
    ['pipeline', run.pipeline],
    ['status', run.status],
    ['trigger', run.trigger],
    ['category', run.category ?? '-'],
    ['created', formatTimestamp(run.createdAt)],
    ['finished', formatTimestamp(run.finishedAt)],
    ['timings', runTimingsLine(run)],
  ]);
}

/** `1a2b3c4d  running  entries 2 ok, 1 failed of 5  partitions 12/40  rows 1,234/5,000  elapsed 12s`. */
export function runProgressLine(run: Pick<PipelineRunView, 'id' | 'status' | 'progress' | 'timings'>): string {
  const p = run.progress;
  return [
    run.id.slice(0, 8),
    run.status,
    `entries ${p.entries.succeeded} ok, ${p.entries.failed} failed of ${p.entries.total}`,
    `partitions ${p.partitionsDone}/${p.partitionsTotal}`,
    `rows ${formatCount(p.itemsDone)}/${formatCount(p.itemsTotal)}`,
    `elapsed ${formatShortDuration(run.timings.wallMs)}`,
  ].join('  ');
}
