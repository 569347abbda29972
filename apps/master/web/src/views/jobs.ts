import type { JobList, JobSummary, JobView } from '@partita/contracts';
import { formatDuration, formatSpeedup, formatTimestamp, shortId } from '../format/index.js';
import { getJson, isUnauthorized, sendJson } from '../api.js';
import { $, h, onPlainClick } from '../dom.js';
import { POLL_MS, showError, showLive } from '../notice.js';
import { countOf, jobHref, progressBar, statusBadge } from '../widgets.js';
import { jobEnded, renderJob } from './job.js';

const LIST_LIMIT = 50;

/** The list of jobs and the job opened from it, each refreshed while anything it shows runs. */
export class JobsView {
  private jobs: JobSummary[] = [];
  private selectedId: string | null = null;
  private job: JobView | null = null;
  private listTimer = 0;
  private jobTimer = 0;
  private listBusy = false;
  private jobSeq = 0;
  private stopped = false;

  /** `unauthorized` is called when the API answers 401: the page asks for a token. */
  constructor(private readonly unauthorized: () => void) {}

  start(jobId: string | null): void {
    this.stopped = false;
    $('jobs-card').hidden = false;
    onPlainClick($('back'), () => this.select(null, true));
    $('refresh').addEventListener('click', () => this.refresh());
    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(() => this.job && this.render(this.job), 100);
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && !this.stopped) void this.loadList();
    });
    this.select(jobId, false);
    void this.loadList();
  }

  /** Signed out: nothing polls until a token is accepted. */
  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.listTimer);
    window.clearTimeout(this.jobTimer);
    this.listTimer = this.jobTimer = 0;
    this.updateLive();
  }

  refresh(): void {
    this.stopped = false;
    void this.loadList();
    if (this.selectedId) void this.loadJob();
  }

  select(id: string | null, push: boolean): void {
    if (push) window.history.pushState({ job: id }, '', id ? jobHref(id) : '/');
    // Another job's figures never stay on screen while this one loads (or fails to).
    if (this.job && this.job.id !== id) $('job').hidden = true;
    this.selectedId = id;
    this.job = null;
    this.jobSeq++;
    window.clearTimeout(this.jobTimer);
    this.jobTimer = 0;
    for (const row of $('jobs').querySelectorAll<HTMLElement>('tbody tr')) row.classList.toggle('selected', row.dataset['jobId'] === id);
    showError('job', null);
    if (!id) {
      $('job').hidden = true;
      document.title = 'Partita · jobs';
      this.updateLive();
      return;
    }
    void this.loadJob();
  }

  private updateLive(): void {
    showLive(Boolean(this.listTimer || this.jobTimer));
  }

  private async loadList(): Promise<void> {
    if (this.listBusy) return;
    this.listBusy = true;
    window.clearTimeout(this.listTimer);
    this.listTimer = 0;
    let failed = false;
    try {
      const list = await getJson<JobList>(`/jobs?limit=${LIST_LIMIT}`);
      this.jobs = list.items;
      this.renderList();
      showError('list', null);
    } catch (err) {
      failed = true;
      if (isUnauthorized(err)) this.unauthorized();
      else showError('list', err);
    } finally {
      this.listBusy = false;
      const running = this.jobs.some((j) => !jobEnded(j.status));
      // Poll while anything runs; after an error, keep trying at the same pace; signed out, wait for a token.
      if ((running || failed) && !this.stopped) this.listTimer = window.setTimeout(() => void this.loadList(), POLL_MS);
      this.updateLive();
    }
  }

  private async loadJob(): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    // Only the latest request counts: an answer for a job no longer selected, or overtaken by a refresh, is dropped.
    const seq = ++this.jobSeq;
    window.clearTimeout(this.jobTimer);
    this.jobTimer = 0;
    let ended = false;
    try {
      const job = await getJson<JobView>(`/jobs/${encodeURIComponent(id)}`);
      if (seq !== this.jobSeq) return;
      ended = this.job !== null && !jobEnded(this.job.status) && jobEnded(job.status);
      this.job = job;
      this.render(job);
      showError('job', null);
    } catch (err) {
      if (seq !== this.jobSeq) return;
      if (isUnauthorized(err)) this.unauthorized();
      else showError('job', err);
    }
    if (this.job && !jobEnded(this.job.status) && !this.stopped) this.jobTimer = window.setTimeout(() => void this.loadJob(), POLL_MS);
    this.updateLive();
    // The list shows the job's final figures at once.
    if (ended) void this.loadList();
  }

  private render(job: JobView): void {
    renderJob(job, {
      cancel: (j) => void this.act(() => sendJson('DELETE', `/jobs/${encodeURIComponent(j.id)}`)),
      retry: (j) => void this.act(() => sendJson('POST', `/jobs/${encodeURIComponent(j.id)}/retry`, {})),
    });
  }

  private async act(change: () => Promise<unknown>): Promise<void> {
    try {
      await change();
      showError('action', null);
    } catch (err) {
      showError('action', err);
    }
    this.refresh();
  }

  private renderList(): void {
    const rows = this.jobs.map((job) => {
      const p = job.progress;
      const fraction = p.itemsTotal > 0 ? p.itemsDone / p.itemsTotal : p.total > 0 ? p.done / p.total : 0;
      const row = h(
        'tr',
        { 'data-job-id': job.id, 'data-status': job.status, class: job.id === this.selectedId ? 'selected' : null },
        h('td', {}, h('a', { href: jobHref(job.id), class: 'mono', title: job.id }, shortId(job.id))),
        h('td', {}, job.kind),
        h('td', {}, statusBadge(job.status)),
        h('td', { title: job.createdAt }, formatTimestamp(job.createdAt)),
        h(
          'td',
          { class: 'progress-col' },
          progressBar(
            fraction,
            job.status,
            [h('span', { class: 'strong' }, `${p.done}/${p.total}`), ' partitions · ', countOf(p.itemsDone, p.itemsTotal, p.itemNoun)],
            `${p.succeeded} succeeded, ${p.failed} failed, ${p.running} running of ${p.total} partitions`,
          ),
        ),
        h('td', { class: 'num' }, formatDuration(job.timings.wallMs)),
        h('td', { class: 'num strong' }, formatSpeedup(job.timings.speedup)),
      );
      onPlainClick(row, () => this.select(job.id, true));
      return row;
    });
    $('jobs')
      .querySelector('tbody')
      ?.replaceChildren(...rows);
    $('jobs-empty').hidden = rows.length > 0;
  }
}
