import type { EntryView, PipelineList, PipelineRunList, PipelineRunView, PipelineView, ScheduleView } from '@partita/contracts';
import { formatCount, formatDuration, formatSpeedup, formatTimestamp, shortId } from '../format/index.js';
import { canWrite } from '../access.js';
import { getJson, sendJson } from '../api.js';
import { h } from '../dom.js';
import { showError } from '../notice.js';
import { pipelineHref } from '../route.js';
import { countOf, empty, heading, jobLink, jsonText, num, progressBar, statusBadge, table } from '../widgets.js';
import type { Drawn, Redraw } from './panel.js';

const RUNS = 10;
const runEnded = (status: string): boolean => status === 'succeeded' || status === 'failed' || status === 'cancelled';

function scheduleText(s: ScheduleView | null): string {
  if (!s) return 'no schedule';
  return `${s.cron} (${s.timezone})${s.category ? ` · category ${s.category}` : ''} · next ${formatTimestamp(s.nextRunAt)}`;
}

/** Every pipeline with its entries and schedule. */
export async function pipelinesView(): Promise<Drawn> {
  const list = await getJson<PipelineList>('/pipelines');
  document.title = 'Partita · pipelines';
  const rows = list.items.map((p) =>
    h(
      'tr',
      { 'data-pipeline': p.name },
      h('td', {}, h('a', { href: pipelineHref(p.name), class: 'strong' }, p.name)),
      h('td', { class: 'muted' }, p.description),
      num(`${p.enabledEntries}/${p.entries}`),
      h('td', { class: 'mono small' }, p.schedule ? `${p.schedule.cron} (${p.schedule.timezone})` : '-'),
      h('td', {}, formatTimestamp(p.schedule?.nextRunAt ?? null)),
      h('td', {}, formatTimestamp(p.updatedAt)),
    ),
  );
  const node = h(
    'div',
    {},
    heading('Pipelines', 'Named lists of entries (an extract or a job each); a run submits one job per enabled entry.'),
    rows.length === 0
      ? empty('No pipelines yet: `partita pipelines apply FILE` or PUT /pipelines/:name.')
      : table('pipelines', ['Pipeline', 'Description', { text: 'Enabled entries', num: true }, 'Schedule', 'Next run', 'Updated'], rows),
  );
  return { node, live: false };
}

/** One pipeline: schedule, settings, entries with their effective settings, and its runs with their jobs. */
export async function pipelineView(name: string, runId: string | null, redraw: Redraw): Promise<Drawn> {
  const path = `/pipelines/${encodeURIComponent(name)}`;
  const [pipeline, runs] = await Promise.all([getJson<PipelineView>(path), getJson<PipelineRunList>(`${path}/runs?limit=${RUNS}`)]);
  const shownId = runId ?? runs.items[0]?.id ?? null;
  const run = shownId ? await getJson<PipelineRunView>(`${path}/runs/${encodeURIComponent(shownId)}`) : null;
  document.title = `Partita · pipeline ${name}`;

  const start = canWrite() ? h('button', { type: 'button', class: 'write', id: 'start-run' }, 'Start a run') : null;
  start?.addEventListener('click', () => {
    start.disabled = true;
    void sendJson<PipelineRunView>('POST', `${path}/runs`, {}).then(
      (started) => {
        window.history.pushState({}, '', pipelineHref(name, started.id));
        redraw();
      },
      (err: unknown) => {
        showError('action', err);
        start.disabled = false;
      },
    );
  });

  const node = h(
    'div',
    {},
    h('a', { class: 'back', href: '/?view=pipelines' }, '← all pipelines'),
    h('div', { class: 'section-head' }, heading(h('span', { id: 'pipeline-name' }, pipeline.name), pipeline.description || null), start),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Schedule'),
      h('dd', { id: 'schedule' }, scheduleText(pipeline.schedule)),
      h('dt', {}, 'Entries at once'),
      h('dd', {}, pipeline.maxConcurrentEntries === null ? 'all' : String(pipeline.maxConcurrentEntries)),
      h('dt', {}, 'Settings'),
      h('dd', { class: 'mono small' }, Object.keys(pipeline.settings).length === 0 ? 'defaults' : jsonText(pipeline.settings)),
    ),
    h('h2', {}, 'Entries'),
    pipeline.entries.length === 0 ? empty('No entries.') : pipeline.entries.map(entryCard),
    h('h2', {}, 'Runs'),
    runs.items.length === 0 ? empty('No runs yet.') : runsTable(name, runs, shownId, redraw),
    run ? runDetail(run) : null,
  );
  const live = runs.items.some((r) => !runEnded(r.status)) || (run !== null && !runEnded(run.status));
  return { node, live };
}

/** An entry: what it reads or runs, its sink, and each effective setting with where it came from. */
function entryCard(entry: EntryView): HTMLElement {
  const what = entry.source ? `extract ${jsonText(entry.source)}` : `job ${jsonText(entry.job ?? {})}`;
  const settings = Object.entries(entry.effective.settings).map(([key, s]) =>
    h(
      'tr',
      { 'data-setting': key },
      h('td', { class: 'mono' }, key),
      h('td', { class: 'mono small' }, jsonText(s.value)),
      h('td', {}, h('span', { class: `badge from-${s.from}` }, s.from)),
    ),
  );
  return h(
    'article',
    { class: 'entry', 'data-entry': entry.name },
    h(
      'p',
      {},
      h('span', { class: 'strong' }, entry.name),
      entry.category ? h('span', { class: 'tag' }, entry.category) : null,
      entry.enabled ? null : h('span', { class: 'badge status-cancelled' }, 'disabled'),
    ),
    h('p', { class: 'mono small' }, what),
    h('p', { class: 'muted small' }, `sink ${jsonText(entry.sink)}`),
    table(null, ['Setting', 'Effective value', 'From'], settings),
  );
}

function runsTable(name: string, runs: PipelineRunList, shownId: string | null, redraw: Redraw): HTMLTableElement {
  const rows = runs.items.map((r) => {
    const e = r.progress.entries;
    const fraction =
      r.progress.itemsTotal > 0
        ? r.progress.itemsDone / r.progress.itemsTotal
        : e.total > 0
          ? (e.succeeded + e.failed + e.cancelled) / e.total
          : 0;
    let cancel: HTMLButtonElement | null = null;
    if (canWrite() && !runEnded(r.status)) {
      const button = h('button', { type: 'button', class: 'write danger cancel-run' }, 'Cancel');
      button.addEventListener('click', () => {
        button.disabled = true;
        void sendJson('DELETE', `/pipelines/${encodeURIComponent(name)}/runs/${encodeURIComponent(r.id)}`).then(redraw, (err: unknown) => {
          showError('action', err);
          redraw();
        });
      });
      cancel = button;
    }
    return h(
      'tr',
      { 'data-run': r.id, 'data-status': r.status, class: r.id === shownId ? 'selected' : null },
      h('td', {}, h('a', { href: pipelineHref(name, r.id), class: 'mono', title: r.id }, shortId(r.id))),
      h('td', {}, r.trigger),
      h('td', {}, statusBadge(r.status)),
      h('td', {}, formatTimestamp(r.createdAt)),
      h(
        'td',
        { class: 'progress-col' },
        progressBar(fraction, r.status, [
          h('span', { class: 'strong' }, `${e.succeeded}/${e.total}`),
          ' entries · ',
          `${formatCount(r.progress.partitionsDone)}/${formatCount(r.progress.partitionsTotal)} partitions · `,
          countOf(r.progress.itemsDone, r.progress.itemsTotal, 'rows'),
        ]),
      ),
      num(formatDuration(r.timings.wallMs)),
      num(formatSpeedup(r.timings.speedup), true),
      h('td', {}, cancel),
    );
  });
  return table(
    'runs',
    ['Run', 'Trigger', 'Status', 'Created', 'Progress', { text: 'Wall', num: true }, { text: 'Speed-up', num: true }, ''],
    rows,
  );
}

/** A run's entries with their jobs. */
function runDetail(run: PipelineRunView): HTMLElement {
  const rows = run.entries.map((e) =>
    h(
      'tr',
      { 'data-run-entry': e.entry, 'data-status': e.status },
      h('td', { class: 'strong' }, e.entry),
      h('td', {}, e.dataset),
      h('td', {}, statusBadge(e.status)),
      h('td', {}, e.job ? jobLink(e.job.id) : '-'),
      num(e.job ? countOf(e.job.progress.itemsDone, e.job.progress.itemsTotal, e.job.progress.itemNoun) : '-'),
      num(e.job ? formatDuration(e.job.timings.wallMs) : '-'),
    ),
  );
  return h(
    'div',
    { id: 'run', 'data-run': run.id },
    h(
      'h2',
      {},
      `Run ${shortId(run.id)} `,
      statusBadge(run.status),
      h(
        'span',
        { class: 'muted small' },
        ` ${run.trigger} · ${run.finishedAt ? `ended ${formatTimestamp(run.finishedAt)}` : 'running'} · ${run.timings.workers} workers`,
      ),
    ),
    table('run-entries', ['Entry', 'Dataset', 'Status', 'Job', { text: 'Rows', num: true }, { text: 'Wall', num: true }], rows),
  );
}
