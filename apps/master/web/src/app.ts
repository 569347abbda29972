/*
 * The page at `/`: jobs (the list and one job), datasets, pipelines and kinds, read from the master's REST API on the
 * same origin and typed by @partita/contracts' views. Plain ES modules without a bundler or framework; every string
 * from the API goes into the DOM as text, never as markup, under a CSP without inline scripts or styles.
 */
import { isUnauthorized } from './api.js';
import { learnAccess } from './access.js';
import { $ } from './dom.js';
import { POLL_MS, showError, showLive } from './notice.js';
import { currentRoute, type Route } from './route.js';
import { SignIn } from './signin.js';
import { datasetView, datasetsView } from './views/datasets.js';
import { JobsView } from './views/jobs.js';
import { kindsView } from './views/kinds.js';
import type { Drawn } from './views/panel.js';
import { pipelineView, pipelinesView } from './views/pipelines.js';

/** Datasets, pipelines and kinds: drawn into `#view`, redrawn every POLL_MS while something in them runs. */
class PanelView {
  private timer = 0;
  private seq = 0;
  private stopped = false;

  constructor(private readonly unauthorized: () => void) {}

  start(): void {
    this.stopped = false;
    $('view').hidden = false;
    window.addEventListener('popstate', () => this.draw());
    this.draw();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.timer = 0;
    showLive(false);
  }

  draw(): void {
    this.stopped = false;
    void this.load();
  }

  private async load(): Promise<void> {
    const seq = ++this.seq;
    window.clearTimeout(this.timer);
    this.timer = 0;
    let live = false;
    try {
      const drawn = await panelOf(currentRoute(), () => this.draw());
      if (seq !== this.seq) return;
      $('view').replaceChildren(drawn.node);
      live = drawn.live;
      showError('view', null);
    } catch (err) {
      if (seq !== this.seq) return;
      if (isUnauthorized(err)) return this.unauthorized();
      showError('view', err);
    }
    if (live && !this.stopped) this.timer = window.setTimeout(() => this.draw(), POLL_MS);
    showLive(this.timer !== 0);
  }
}

function panelOf(route: Route, redraw: () => void): Promise<Drawn> {
  switch (route.view) {
    case 'datasets':
      return route.name ? datasetView(route.name) : datasetsView();
    case 'pipelines':
      return route.name ? pipelineView(route.name, route.run, redraw) : pipelinesView();
    case 'kinds':
    case 'jobs':
      return kindsView();
  }
}

async function start(): Promise<void> {
  const route = currentRoute();
  for (const link of document.querySelectorAll<HTMLElement>('[data-nav]'))
    link.classList.toggle('current', link.dataset['nav'] === route.view);

  let view: { stop(): void; resume(): void };
  const signIn = new SignIn(
    () => view.stop(),
    () =>
      void learnAccess().then(
        () => view.resume(),
        (err: unknown) => showError('access', err),
      ),
  );
  if (route.view === 'jobs') {
    const jobs = new JobsView(() => signIn.ask());
    view = { stop: () => jobs.stop(), resume: () => jobs.refresh() };
    signIn.wire();
    window.addEventListener('popstate', () => jobs.select(jobIdOf(currentRoute()), false));
    window.addEventListener('hashchange', () => jobs.select(jobIdOf(currentRoute()), false));
    await accessOrNothing();
    jobs.start(route.job);
  } else {
    const panel = new PanelView(() => signIn.ask());
    view = { stop: () => panel.stop(), resume: () => panel.draw() };
    signIn.wire();
    await accessOrNothing();
    panel.start();
  }
}

const jobIdOf = (route: Route): string | null => (route.view === 'jobs' ? route.job : null);

/** The token's scope before anything is drawn, so that write buttons show only for write tokens. */
async function accessOrNothing(): Promise<void> {
  try {
    await learnAccess();
  } catch (err) {
    showError('access', err);
  }
}

void start();
