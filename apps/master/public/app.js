// The job page: the list of jobs and one job's timings, read from the master's REST API (same origin).
// Every string from the API goes into the DOM as text (textContent, attributes), never as markup.

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const POLL_MS = 2000;
const LIST_LIMIT = 50;
const SLOWEST = 5;
const SVG_NS = 'http://www.w3.org/2000/svg';

const state = {
  /** @type {any[]} */
  jobs: [],
  /** @type {string | null} */
  selectedId: null,
  /** @type {any | null} */
  job: null,
  listTimer: 0,
  jobTimer: 0,
  listBusy: false,
  jobSeq: 0,
  /** The API answered 401: the sign-in form shows, and nothing polls until a token is accepted. */
  signedOut: false,
};

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el;
};

// ---------------------------------------------------------------------------------------------------------------
// API

const TOKEN_KEY = 'partitaToken';

/** The saved token (`localStorage.partitaToken`), for masters that require one; null when none or no storage. */
function savedToken() {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function saveToken(token) {
  try {
    if (token) window.localStorage.setItem(TOKEN_KEY, token);
    else window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // no storage: the session cookie still signs this browser in
  }
}

function authHeaders() {
  const token = savedToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** A failed API call; `status` 401 means a token is needed. */
class ApiFailure extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function failure(res, what) {
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const body = await res.json();
    if (body && typeof body.message === 'string') message += `: ${body.message}`;
  } catch {
    // not JSON: the status says enough
  }
  return new ApiFailure(`${what}: ${message}`, res.status);
}

async function api(path) {
  const res = await fetch(path, { headers: { accept: 'application/json', ...authHeaders() }, cache: 'no-store' });
  if (!res.ok) throw await failure(res, `GET ${path}`);
  return res.json();
}

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers: text only

/** An HTML element; string and number children become text nodes. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'data') for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    else if (key === 'style') Object.assign(el.style, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** An SVG element; attributes are set with setAttribute (never parsed as markup). */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function setText(id, text) {
  $(id).textContent = text;
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

const pad = (n, w = 2) => String(n).padStart(w, '0');

function formatMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)} min ${pad(totalS % 60)} s`;
  return `${Math.floor(totalS / 3600)} h ${pad(Math.floor((totalS % 3600) / 60))} min`;
}

function formatSpeedup(x) {
  return Number.isFinite(x) && x > 0 ? `${x.toFixed(2)}×` : '—';
}

function formatRatio(x) {
  return Number.isFinite(x) && x > 0 ? x.toFixed(2) : '—';
}

function formatInt(n) {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : '—';
}

function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const today = new Date();
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

const shortId = (id) => String(id).slice(0, 8);
const parseTime = (iso) => (iso ? Date.parse(iso) : NaN);

function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, status);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors and the live indicator

/** The list's and the job's last error: each loader clears only its own. */
const errors = { list: null, job: null };

function showError(source, err) {
  errors[source] = err ? (err instanceof Error ? err.message : String(err)) : null;
  const messages = [errors.job, errors.list].filter(Boolean);
  const el = $('error');
  el.textContent = messages.join('\n');
  el.hidden = messages.length === 0;
}

function updateLive() {
  const live = Boolean(state.listTimer || state.jobTimer);
  const el = $('live');
  el.dataset.state = live ? 'live' : 'idle';
  el.title = live ? `Refreshing every ${POLL_MS / 1000} s while jobs run` : 'Every job shown has ended';
  setText('live-text', live ? 'live' : 'up to date');
}

// ---------------------------------------------------------------------------------------------------------------
// The list of jobs

async function loadList() {
  if (state.listBusy) return;
  state.listBusy = true;
  window.clearTimeout(state.listTimer);
  state.listTimer = 0;
  let failed = false;
  try {
    const list = await api(`/jobs?limit=${LIST_LIMIT}`);
    state.jobs = Array.isArray(list.items) ? list.items : [];
    renderList();
    showError('list', null);
  } catch (err) {
    failed = true;
    if (err instanceof ApiFailure && err.status === 401) askForToken();
    else showError('list', err);
  } finally {
    state.listBusy = false;
    const running = state.jobs.some((j) => !TERMINAL.has(j.status));
    // Poll while anything runs; after an error, keep trying at the same pace; signed out, wait for a token.
    if ((running || failed) && !state.signedOut) state.listTimer = window.setTimeout(loadList, POLL_MS);
    updateLive();
  }
}

function progressCell(job) {
  const p = job.progress;
  const fraction = p.itemsTotal > 0 ? p.itemsDone / p.itemsTotal : p.total > 0 ? p.done / p.total : 0;
  const pct = Math.max(0, Math.min(100, fraction * 100));
  return h(
    'div',
    { class: 'progress', title: `${p.succeeded} succeeded, ${p.failed} failed, ${p.running} running of ${p.total} partitions` },
    h('div', { class: 'track' }, h('div', { class: `fill status-${job.status}`, style: { width: `${pct.toFixed(1)}%` } })),
    h(
      'span',
      { class: 'progress-text' },
      h('span', { class: 'strong' }, `${p.done}/${p.total}`),
      ' partitions · ',
      `${formatInt(p.itemsDone)}/${formatInt(p.itemsTotal)} ${p.itemNoun ?? 'items'}`,
    ),
  );
}

function renderList() {
  const tbody = $('jobs').querySelector('tbody');
  const rows = state.jobs.map((job) => {
    const link = h('a', { href: `/?job=${encodeURIComponent(job.id)}`, class: 'mono', title: job.id }, shortId(job.id));
    const row = h(
      'tr',
      { data: { jobId: job.id, status: job.status }, class: job.id === state.selectedId ? 'selected' : undefined },
      h('td', {}, link),
      h('td', {}, job.kind),
      h('td', {}, statusBadge(job.status)),
      h('td', { title: job.createdAt }, formatTime(job.createdAt)),
      h('td', { class: 'progress-col' }, progressCell(job)),
      h('td', { class: 'num' }, formatMs(job.timings.wallMs)),
      h('td', { class: 'num strong' }, formatSpeedup(job.timings.speedup)),
    );
    row.addEventListener('click', (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      select(job.id, true);
    });
    return row;
  });
  tbody.replaceChildren(...rows);
  $('jobs-empty').hidden = rows.length > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// One job

function jobIdFromLocation() {
  const fromQuery = new URLSearchParams(window.location.search).get('job');
  if (fromQuery) return fromQuery;
  const hash = decodeURIComponent(window.location.hash.replace(/^#/, ''));
  return hash || null;
}

function select(id, push) {
  if (push) window.history.pushState({ job: id }, '', id ? `/?job=${encodeURIComponent(id)}` : '/');
  // Another job's figures never stay on screen while this one loads (or fails to).
  if (state.job && state.job.id !== id) $('job').hidden = true;
  state.selectedId = id;
  state.job = null;
  state.jobSeq++;
  window.clearTimeout(state.jobTimer);
  state.jobTimer = 0;
  for (const row of $('jobs').querySelectorAll('tbody tr')) row.classList.toggle('selected', row.dataset.jobId === id);
  showError('job', null);
  if (!id) {
    $('job').hidden = true;
    document.title = 'Partita · jobs';
    updateLive();
    return;
  }
  void loadJob();
}

async function loadJob() {
  const id = state.selectedId;
  if (!id) return;
  // Only the latest request counts: an answer for a job no longer selected, or overtaken by a refresh, is dropped.
  const seq = ++state.jobSeq;
  window.clearTimeout(state.jobTimer);
  state.jobTimer = 0;
  let ended = false;
  try {
    const job = await api(`/jobs/${encodeURIComponent(id)}`);
    if (seq !== state.jobSeq) return;
    ended = state.job !== null && !TERMINAL.has(state.job.status) && TERMINAL.has(job.status);
    state.job = job;
    renderJob();
    showError('job', null);
  } catch (err) {
    if (seq !== state.jobSeq) return;
    if (err instanceof ApiFailure && err.status === 401) askForToken();
    else showError('job', err);
  }
  if (state.job && !TERMINAL.has(state.job.status) && !state.signedOut) state.jobTimer = window.setTimeout(loadJob, POLL_MS);
  updateLive();
  // The list shows the job's final figures at once.
  if (ended) void loadList();
}

function renderJob() {
  const job = state.job;
  const t = job.timings;
  $('job').hidden = false;
  document.title = `Partita · ${job.kind} ${shortId(job.id)} · ${job.status}`;
  setText('job-kind', job.kind);
  setText('job-id', job.id);
  const badge = $('job-status');
  badge.textContent = job.status;
  badge.className = `badge large status-${job.status}`;

  const meta = [`created ${formatTime(job.createdAt)}`];
  if (job.finishedAt) meta.push(`finished ${formatTime(job.finishedAt)}`);
  meta.push(`${job.partitions.length} partitions`);
  if (job.dataset) meta.push(`dataset ${job.dataset.name}`);
  if (job.output) meta.push(`output ${job.output.container}/${job.output.prefix}`);
  setText('job-meta', meta.join(' · '));

  setText('wall', formatMs(t.wallMs));
  setText('sum', formatMs(t.sumPartitionMs));
  setText('speedup', formatSpeedup(t.speedup));
  setText('workers', String(t.workers));
  setText('efficiency', formatRatio(t.efficiency));
  const eff = $('efficiency').closest('.stat');
  if (eff) eff.dataset.level = !(t.efficiency > 0) ? 'none' : t.efficiency >= 0.8 ? 'good' : t.efficiency >= 0.5 ? 'fair' : 'poor';
  setText('job-progress', `${job.progress.done}/${job.progress.total}`);
  setText('job-items', `${formatInt(job.progress.itemsDone)}/${formatInt(job.progress.itemsTotal)} ${job.progress.itemNoun ?? 'items'}`);

  const errorEl = $('job-error');
  errorEl.hidden = !job.error;
  errorEl.textContent = job.error ? `${job.error.code ? `${job.error.code}: ` : ''}${job.error.message}` : '';

  renderTimeline(job);
  renderSlowest(job);
}

// ---------------------------------------------------------------------------------------------------------------
// The timeline: one lane per worker, one bar per started partition

/** Steps of whole seconds and minutes on long axes: a tick every 7 min is hard to read. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000);

/** About `target` ticks over `range` ms: 1, 2 or 5 times a power of ten below a second, clock-like steps above. */
function niceStep(range, target) {
  const raw = range / Math.max(1, target);
  if (raw > 1000) return TIME_STEPS.find((step) => step >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function tickLabel(ms, step, range) {
  if (ms === 0) return '0';
  if (range < 1000) return `${Math.round(ms)} ms`;
  if (range < 120_000) return `${(ms / 1000).toFixed(step >= 1000 ? 0 : step >= 100 ? 1 : 2)} s`;
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const clock = `${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return hours > 0 ? `${hours}:${clock}` : clock.replace(/^0/, '');
}

function laneKey(p) {
  return p.workerId ?? '(no worker)';
}

/** Lanes with their bars; overlapping bars of one worker (concurrency > 1) go on separate tracks. */
function layoutLanes(job, now) {
  const byWorker = new Map();
  for (const p of job.partitions) {
    const start = parseTime(p.startedAt);
    if (!Number.isFinite(start)) continue;
    let end = parseTime(p.finishedAt);
    if (!Number.isFinite(end)) end = p.status === 'running' ? now : p.runMs !== null ? start + p.runMs : start;
    const bar = { p, start, end: Math.max(start, end), track: 0 };
    const key = laneKey(p);
    if (!byWorker.has(key)) byWorker.set(key, []);
    byWorker.get(key).push(bar);
  }
  const lanes = [...byWorker.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([worker, bars]) => {
      bars.sort((a, b) => a.start - b.start || a.p.index - b.p.index);
      const trackEnds = [];
      for (const bar of bars) {
        let track = trackEnds.findIndex((end) => end <= bar.start);
        if (track < 0) track = trackEnds.length;
        trackEnds[track] = bar.end;
        bar.track = track;
      }
      const busy = bars.reduce((sum, b) => sum + (b.p.runMs ?? b.end - b.start), 0);
      return { worker, bars, tracks: Math.max(1, trackEnds.length), busy };
    });
  return lanes;
}

function barTitle(p, lane) {
  return [
    `Partition ${p.index} · ${p.status}`,
    `worker ${lane}`,
    `items ${formatInt(p.items)}`,
    `run ${formatMs(p.runMs)}`,
    `queue wait ${formatMs(p.queueWaitMs)}`,
    `attempts ${p.attempts}`,
    `started ${formatTime(p.startedAt)}${p.finishedAt ? ` · finished ${formatTime(p.finishedAt)}` : ''}`,
    p.error ? `error ${p.error.message}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function renderTimeline(job) {
  const container = $('timeline');
  const now = Date.now();
  const lanes = layoutLanes(job, now);
  if (lanes.length === 0) {
    container.replaceChildren(h('p', { class: 'muted empty' }, 'No partition has started yet.'));
    renderLegend([]);
    return;
  }

  const t0 = parseTime(job.createdAt);
  const lastEnd = Math.max(...lanes.flatMap((l) => l.bars.map((b) => b.end)));
  const jobEnd = job.finishedAt ? parseTime(job.finishedAt) : now;
  const tEnd = Math.max(lastEnd, Number.isFinite(jobEnd) ? jobEnd : lastEnd, t0 + 1);
  const range = tEnd - t0;
  const wall = job.timings.wallMs > 0 ? job.timings.wallMs : range;

  const width = Math.max(640, Math.floor(container.clientWidth || 960));
  // Worker ids may be long (`<hostname>-<pid>`): the gutter grows with them, up to a point, then they are cut.
  const maxName = 26;
  const longest = Math.max(...lanes.map((l) => Math.min(maxName, l.worker.length)));
  const left = Math.max(110, Math.min(240, 24 + longest * 8));
  const right = 128;
  const top = 26;
  const trackH = 26;
  const barH = 20;
  const lanePad = 5;
  const plotW = width - left - right;
  const x = (t) => left + ((t - t0) / range) * plotW;

  let y = top;
  const laneGeom = lanes.map((lane) => {
    const height = lane.tracks * trackH + 2 * lanePad;
    const g = { y, height };
    y += height;
    return g;
  });
  const height = y + 8;

  const svg = s('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Timeline of ${job.partitions.length} partitions on ${lanes.length} workers`,
  });

  // Lane backgrounds and labels.
  lanes.forEach((lane, i) => {
    const g = laneGeom[i];
    const share = wall > 0 ? lane.busy / wall : 0;
    svg.append(
      s(
        'g',
        { class: 'lane', 'data-lane': lane.worker },
        s('rect', { class: i % 2 ? 'lane-bg odd' : 'lane-bg', x: 0, y: g.y, width, height: g.height }),
        s(
          'text',
          { class: 'lane-name', x: 12, y: g.y + g.height / 2 - 2 },
          lane.worker.length > maxName ? `${lane.worker.slice(0, maxName - 1)}…` : lane.worker,
          s('title', {}, lane.worker),
        ),
        s(
          'text',
          { class: 'lane-sub', x: 12, y: g.y + g.height / 2 + 12 },
          `${lane.bars.length} partition${lane.bars.length === 1 ? '' : 's'}`,
        ),
        s('text', { class: 'lane-busy', x: width - 12, y: g.y + g.height / 2 - 2, 'text-anchor': 'end' }, `${formatMs(lane.busy)} busy`),
        s(
          'text',
          { class: 'lane-sub', x: width - 12, y: g.y + g.height / 2 + 12, 'text-anchor': 'end' },
          `${Math.round(share * 100)}% of wall`,
        ),
      ),
    );
  });

  // Axis and grid.
  const step = niceStep(range, Math.max(2, Math.floor(plotW / 90)));
  const axis = s('g', { class: 'axis' });
  for (let ms = 0; ms <= range + 1e-6; ms += step) {
    const tx = x(t0 + ms);
    axis.append(
      s('line', { class: 'grid', x1: tx, x2: tx, y1: top - 4, y2: y }),
      s('text', { class: 'tick', x: tx, y: top - 9, 'text-anchor': 'middle' }, tickLabel(ms, step, range)),
    );
  }
  axis.append(s('line', { class: 'axis-line', x1: left, x2: left + plotW, y1: top, y2: top }));
  svg.append(axis);

  // The job's end (or now, while it runs).
  const endX = x(Number.isFinite(jobEnd) ? jobEnd : tEnd);
  svg.append(s('line', { class: job.finishedAt ? 'end-line' : 'now-line', x1: endX, x2: endX, y1: top - 4, y2: y }));

  // Bars.
  const bars = s('g', { class: 'bars' });
  lanes.forEach((lane, i) => {
    const g = laneGeom[i];
    for (const bar of lane.bars) {
      const bx = x(bar.start);
      const bw = Math.max(2, x(bar.end) - bx);
      const by = g.y + lanePad + bar.track * trackH + (trackH - barH) / 2;
      const rect = s(
        'rect',
        {
          class: `bar status-${bar.p.status}`,
          x: bx.toFixed(2),
          y: by,
          width: bw.toFixed(2),
          height: barH,
          rx: 3,
          'data-partition': bar.p.index,
          'data-worker': lane.worker,
          'data-status': bar.p.status,
          'data-start': bar.p.startedAt,
        },
        s('title', {}, barTitle(bar.p, lane.worker)),
      );
      bars.append(rect);
      const label = String(bar.p.index);
      if (bw >= label.length * 7 + 6) {
        bars.append(s('text', { class: 'bar-label', x: bx + bw / 2, y: by + barH / 2 + 4, 'text-anchor': 'middle' }, label));
      }
    }
  });
  svg.append(bars);

  container.replaceChildren(svg);
  renderLegend(
    job.partitions.filter((p) => p.startedAt).map((p) => p.status),
    !job.finishedAt,
  );
}

function renderLegend(statuses, running = false) {
  const order = ['succeeded', 'running', 'failed', 'cancelled', 'queued'];
  const present = order.filter((st) => statuses.includes(st));
  const items = present.map((st) => h('span', { class: 'legend-item' }, h('span', { class: `swatch status-${st}` }), st));
  if (statuses.length > 0) {
    items.push(
      h(
        'span',
        { class: 'legend-item' },
        h('span', { class: running ? 'swatch-line now' : 'swatch-line end' }),
        running ? 'now' : 'job end',
      ),
    );
    items.push(h('span', { class: 'legend-note muted' }, 'hover a bar for its run time, queue wait and attempts'));
  }
  $('legend').replaceChildren(...items);
}

// ---------------------------------------------------------------------------------------------------------------
// The slowest partitions

function renderSlowest(job) {
  const median = job.timings.runMedianMs;
  const slowest = job.partitions
    .filter((p) => typeof p.runMs === 'number')
    .sort((a, b) => b.runMs - a.runMs || a.index - b.index)
    .slice(0, SLOWEST);
  const rows = slowest.map((p) =>
    h(
      'tr',
      { data: { partition: p.index } },
      h('td', { class: 'mono strong' }, `#${p.index}`),
      h('td', {}, p.workerId ?? '—'),
      h('td', {}, statusBadge(p.status)),
      h('td', { class: 'num' }, formatInt(p.items)),
      h('td', { class: 'num strong' }, formatMs(p.runMs)),
      h('td', { class: 'num' }, formatMs(p.queueWaitMs)),
      h('td', { class: 'num' }, String(p.attempts)),
      h('td', { class: 'num muted' }, median > 0 ? `${(p.runMs / median).toFixed(2)}×` : '—'),
    ),
  );
  if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 8, class: 'muted empty' }, 'No partition has finished yet.')));
  $('slowest')
    .querySelector('tbody')
    .replaceChildren(...rows);
}

// ---------------------------------------------------------------------------------------------------------------
// Signing in: the token goes to POST /auth/session (which also sets the session cookie the queue board uses) and
// stays in localStorage for the API calls; signing out removes both.

function askForToken() {
  const first = !state.signedOut;
  state.signedOut = true;
  window.clearTimeout(state.listTimer);
  window.clearTimeout(state.jobTimer);
  state.listTimer = 0;
  state.jobTimer = 0;
  showError('list', null);
  showError('job', null);
  $('signin').hidden = false;
  if (first && savedToken()) showSignInError('The saved token was not accepted: enter another.');
  updateSignOut();
  updateLive();
  if (first) $('token').focus();
}

function showSignInError(message) {
  const el = $('signin-error');
  el.textContent = message || '';
  el.hidden = !message;
}

function updateSignOut() {
  $('signout').hidden = !savedToken();
}

async function signIn(token) {
  showSignInError(null);
  let res;
  try {
    res = await fetch('/auth/session', {
      method: 'POST',
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
      cache: 'no-store',
    });
  } catch (err) {
    showSignInError(`Sign-in failed: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  if (res.status === 401) {
    showSignInError('The token was not accepted.');
    return;
  }
  if (!res.ok) {
    showSignInError((await failure(res, 'Sign-in failed')).message);
    return;
  }
  saveToken(token);
  state.signedOut = false;
  $('token').value = '';
  $('signin').hidden = true;
  updateSignOut();
  void loadList();
  if (state.selectedId) void loadJob();
}

async function signOut() {
  saveToken(null);
  try {
    await fetch('/auth/session', { method: 'DELETE', cache: 'no-store' });
  } catch {
    // the cookie, if any, ends with the browser session anyway
  }
  // Start over without a token: nothing shown stays on screen, and the API asks for one again.
  window.location.assign('/');
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring

function start() {
  $('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    if (token) void signIn(token);
  });
  $('signout').addEventListener('click', (event) => {
    event.preventDefault();
    void signOut();
  });
  updateSignOut();
  $('refresh').addEventListener('click', () => {
    void loadList();
    if (state.selectedId) void loadJob();
  });
  $('back').addEventListener('click', (event) => {
    event.preventDefault();
    select(null, true);
  });
  window.addEventListener('popstate', () => select(jobIdFromLocation(), false));
  window.addEventListener('hashchange', () => select(jobIdFromLocation(), false));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void loadList();
  });
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => state.job && renderTimeline(state.job), 100);
  });
  select(jobIdFromLocation(), false);
  void loadList();
}

start();
