import type { JobView, PartitionView } from '@partita/contracts';
import { formatCount, formatDuration, formatRatio, formatSpeedup, formatTimestamp, shortId } from '../format/index.js';
import { canWrite } from '../access.js';
import { $, h, setText } from '../dom.js';
import { num, statusBadge } from '../widgets.js';
import { extractSection } from './extract.js';
import { failuresSection } from './failures.js';
import { renderTimeline } from './timeline.js';

const SLOWEST = 5;

/** What the job's write buttons do; the controller calls the API and reloads. */
export interface JobActions {
  cancel(job: JobView): void;
  retry(job: JobView): void;
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);
export const jobEnded = (status: string): boolean => ENDED.has(status);

/** One job: its figures, timeline, slowest partitions, an extract's chunks and failed partitions' errors. */
export function renderJob(job: JobView, actions: JobActions): void {
  const t = job.timings;
  $('job').hidden = false;
  document.title = `Partita · ${job.kind} ${shortId(job.id)} · ${job.status}`;
  setText('job-kind', job.kind);
  setText('job-id', job.id);
  const badge = $('job-status');
  badge.textContent = job.status;
  badge.className = `badge large status-${job.status}`;

  const meta = [`created ${formatTimestamp(job.createdAt)}`];
  if (job.finishedAt) meta.push(`finished ${formatTimestamp(job.finishedAt)}`);
  meta.push(`${job.partitions.length} partitions`);
  if (job.kindVersion) meta.push(`kind version ${job.kindVersion}`);
  if (job.dataset) meta.push(`dataset ${job.dataset.name}`);
  meta.push(`output ${job.output.container}/${job.output.prefix}`);
  setText('job-meta', meta.join(' · '));

  setText('wall', formatDuration(t.wallMs));
  setText('sum', formatDuration(t.sumPartitionMs));
  setText('speedup', formatSpeedup(t.speedup));
  setText('workers', String(t.workers));
  setText('efficiency', formatRatio(t.efficiency));
  const eff = $('efficiency').closest<HTMLElement>('.stat');
  if (eff) eff.dataset['level'] = !(t.efficiency > 0) ? 'none' : t.efficiency >= 0.8 ? 'good' : t.efficiency >= 0.5 ? 'fair' : 'poor';
  setText('job-progress', `${job.progress.done}/${job.progress.total}`);
  setText('job-items', `${formatCount(job.progress.itemsDone)}/${formatCount(job.progress.itemsTotal)} ${job.progress.itemNoun}`);

  const errorEl = $('job-error');
  errorEl.hidden = !job.error;
  errorEl.textContent = job.error ? `${job.error.code ? `${job.error.code}: ` : ''}${job.error.message}` : '';

  $('job-actions').replaceChildren(...jobButtons(job, actions));
  renderTimeline(job);
  renderSlowest(job);
  const extra = [job.extract ? extractSection(job, job.extract) : null, failuresSection(job)].filter((x) => x !== null);
  $('job-extra').replaceChildren(...extra);
}

/** Cancel while it runs, retry its failed partitions once it failed: for write tokens only. */
function jobButtons(job: JobView, actions: JobActions): HTMLButtonElement[] {
  if (!canWrite()) return [];
  const buttons: HTMLButtonElement[] = [];
  if (!jobEnded(job.status)) {
    const cancel = h('button', { type: 'button', class: 'write danger', id: 'cancel-job' }, 'Cancel job');
    cancel.addEventListener('click', () => actions.cancel(job));
    buttons.push(cancel);
  }
  if (job.status === 'failed') {
    const retry = h('button', { type: 'button', class: 'write', id: 'retry-job' }, 'Retry failed partitions');
    retry.addEventListener('click', () => actions.retry(job));
    buttons.push(retry);
  }
  return buttons;
}

function renderSlowest(job: JobView): void {
  const median = job.timings.runMedianMs;
  const slowest = job.partitions
    .filter((p): p is PartitionView & { runMs: number } => typeof p.runMs === 'number')
    .sort((a, b) => b.runMs - a.runMs || a.index - b.index)
    .slice(0, SLOWEST);
  const rows = slowest.map((p) =>
    h(
      'tr',
      { 'data-partition': p.index },
      h('td', { class: 'mono strong' }, `#${p.index}`),
      h('td', {}, p.workerId ?? '-'),
      h('td', {}, statusBadge(p.status)),
      num(formatCount(p.items)),
      num(formatDuration(p.runMs), true),
      num(formatDuration(p.queueWaitMs)),
      num(String(p.attempts)),
      h('td', { class: 'num muted' }, median !== null && median > 0 ? formatSpeedup(p.runMs / median) : '-'),
    ),
  );
  if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 8, class: 'muted empty' }, 'No partition has finished yet.')));
  $('slowest')
    .querySelector('tbody')
    ?.replaceChildren(...rows);
}
