import type { JobView, PartitionStatus, PartitionView } from '@partita/contracts';
import { formatCount, formatDuration, formatPercent, formatTimestamp } from '../format/index.js';
import { $, h, s } from '../dom.js';

/** The job's timeline: one lane per worker, one bar per started partition, from submit to the job's end. */

interface Bar {
  p: PartitionView;
  start: number;
  end: number;
  track: number;
}

interface Lane {
  worker: string;
  bars: Bar[];
  tracks: number;
  busy: number;
}

const parseTime = (iso: string | null): number => (iso ? Date.parse(iso) : NaN);
const pad = (n: number): string => String(n).padStart(2, '0');

/** Steps of whole seconds and minutes on long axes: a tick every 7 min is hard to read. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((x) => x * 1000);

/** About `target` ticks over `range` ms: 1, 2 or 5 times a power of ten below a second, clock-like steps above. */
function niceStep(range: number, target: number): number {
  const raw = range / Math.max(1, target);
  if (raw > 1000) return TIME_STEPS.find((step) => step >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** An axis label: milliseconds on short axes, seconds, then a clock (`m:ss`, `h:mm:ss`). */
function tickLabel(ms: number, step: number, range: number): string {
  if (ms === 0) return '0';
  if (range < 1000) return `${Math.round(ms)} ms`;
  if (range < 120_000) return `${(ms / 1000).toFixed(step >= 1000 ? 0 : step >= 100 ? 1 : 2)} s`;
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const clock = `${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return hours > 0 ? `${hours}:${clock}` : clock.replace(/^0/, '');
}

/** Lanes with their bars; overlapping bars of one worker (concurrency > 1) go on separate tracks. */
function layoutLanes(job: JobView, now: number): Lane[] {
  const byWorker = new Map<string, Bar[]>();
  for (const p of job.partitions) {
    const start = parseTime(p.startedAt);
    if (!Number.isFinite(start)) continue;
    let end = parseTime(p.finishedAt);
    if (!Number.isFinite(end)) end = p.status === 'running' ? now : p.runMs !== null ? start + p.runMs : start;
    const key = p.workerId ?? '(no worker)';
    const bars = byWorker.get(key) ?? [];
    bars.push({ p, start, end: Math.max(start, end), track: 0 });
    byWorker.set(key, bars);
  }
  return [...byWorker.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([worker, bars]) => {
      bars.sort((a, b) => a.start - b.start || a.p.index - b.p.index);
      const trackEnds: number[] = [];
      for (const bar of bars) {
        let track = trackEnds.findIndex((end) => end <= bar.start);
        if (track < 0) track = trackEnds.length;
        trackEnds[track] = bar.end;
        bar.track = track;
      }
      const busy = bars.reduce((sum, b) => sum + (b.p.runMs ?? b.end - b.start), 0);
      return { worker, bars, tracks: Math.max(1, trackEnds.length), busy };
    });
}

function barTitle(p: PartitionView, lane: string): string {
  return [
    `Partition ${p.index} · ${p.status}`,
    `worker ${lane}`,
    `items ${formatCount(p.items)}`,
    `run ${formatDuration(p.runMs)}`,
    `queue wait ${formatDuration(p.queueWaitMs)}`,
    `attempts ${p.attempts}`,
    `started ${formatTimestamp(p.startedAt)}${p.finishedAt ? ` · finished ${formatTimestamp(p.finishedAt)}` : ''}`,
    p.error ? `error ${p.error.message}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function renderTimeline(job: JobView): void {
  const container = $('timeline');
  const now = Date.now();
  const lanes = layoutLanes(job, now);
  if (lanes.length === 0) {
    container.replaceChildren(h('p', { class: 'muted empty' }, 'No partition has started yet.'));
    renderLegend([], false);
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
  const x = (t: number): number => left + ((t - t0) / range) * plotW;

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

  lanes.forEach((lane, i) => {
    const g = laneGeom[i]!;
    const share = wall > 0 ? lane.busy / wall : 0;
    const name = lane.worker.length > maxName ? `${lane.worker.slice(0, maxName - 1)}…` : lane.worker;
    const mid = g.y + g.height / 2;
    svg.append(
      s(
        'g',
        { class: 'lane', 'data-lane': lane.worker },
        s('rect', { class: i % 2 ? 'lane-bg odd' : 'lane-bg', x: 0, y: g.y, width, height: g.height }),
        s('text', { class: 'lane-name', x: 12, y: mid - 2 }, name, s('title', {}, lane.worker)),
        s('text', { class: 'lane-sub', x: 12, y: mid + 12 }, `${lane.bars.length} partition${lane.bars.length === 1 ? '' : 's'}`),
        s('text', { class: 'lane-busy', x: width - 12, y: mid - 2, 'text-anchor': 'end' }, `${formatDuration(lane.busy)} busy`),
        s('text', { class: 'lane-sub', x: width - 12, y: mid + 12, 'text-anchor': 'end' }, `${formatPercent(share)} of wall`),
      ),
    );
  });

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

  const bars = s('g', { class: 'bars' });
  lanes.forEach((lane, i) => {
    const g = laneGeom[i]!;
    for (const bar of lane.bars) {
      const bx = x(bar.start);
      const bw = Math.max(2, x(bar.end) - bx);
      const by = g.y + lanePad + bar.track * trackH + (trackH - barH) / 2;
      bars.append(
        s(
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
        ),
      );
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

function renderLegend(statuses: readonly PartitionStatus[], running: boolean): void {
  const order: readonly PartitionStatus[] = ['succeeded', 'running', 'failed', 'cancelled', 'queued'];
  const items = order
    .filter((st) => statuses.includes(st))
    .map((st) => h('span', { class: 'legend-item' }, h('span', { class: `swatch status-${st}` }), st));
  if (statuses.length > 0) {
    items.push(
      h(
        'span',
        { class: 'legend-item' },
        h('span', { class: running ? 'swatch-line now' : 'swatch-line end' }),
        running ? 'now' : 'job end',
      ),
      h('span', { class: 'legend-note muted' }, 'hover a bar for its run time, queue wait and attempts'),
    );
  }
  $('legend').replaceChildren(...items);
}
