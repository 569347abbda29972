import { setTimeout as sleep } from 'node:timers/promises';
import type { JobView } from '@partita/contracts';
import type { PartitaClient } from './client.js';
import { PollFailures } from './poll-failures.js';
import { ProgressTracker, isEnded, progressLine } from './progress.js';
import { outcomeLines, timingsReport } from './report.js';
import { LiveRegion, streamOutput, type Output } from './terminal.js';

export interface WatchOptions {
  /** Where progress and the timings tables go. Default: stdout. */
  out?: Output | (NodeJS.WritableStream & { isTTY?: boolean; columns?: number });
  /** Poll interval on a terminal (each poll redraws). Default 250 ms. */
  ttyPollMs?: number;
  /** Poll interval otherwise. Default 500 ms. */
  plainPollMs?: number;
  /** Otherwise a plain line per job this often (and when the job ends). Default 2000 ms. */
  plainIntervalMs?: number;
  /** How long the master may stay unreachable (or answer 5xx) before watching gives up. Default 60 s. */
  giveUpAfterMs?: number;
}

interface Watched {
  id: string;
  tracker: ProgressTracker;
  job: JobView | undefined;
  /** The progress line of the last view. */
  line: string;
  /** Set while the master does not answer: why. */
  note: string | undefined;
  done: boolean;
  failures: PollFailures;
}

/**
 * Follows jobs until every one has ended: one progress line per job, redrawn in place on a terminal or printed every
 * `plainIntervalMs` otherwise; when a job ends, its last line, outcome and timings table. Returns the final views, in
 * the order of `ids`.
 */
export async function watchJobs(client: PartitaClient, ids: readonly string[], options: WatchOptions = {}): Promise<JobView[]> {
  const out = toOutput(options.out ?? process.stdout);
  const tty = out.isTTY;
  const pollMs = tty ? (options.ttyPollMs ?? 250) : (options.plainPollMs ?? 500);
  const plainIntervalMs = options.plainIntervalMs ?? 2000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
  const region = new LiveRegion(out);
  const watched: Watched[] = ids.map((id) => ({
    id,
    tracker: new ProgressTracker(),
    job: undefined,
    line: placeholderLine(id),
    note: undefined,
    done: false,
    failures: new PollFailures(giveUpAfterMs),
  }));
  let lastPlainAt = Number.NEGATIVE_INFINITY;
  let first = true;

  for (;;) {
    const pending = watched.filter((w) => !w.done);
    await Promise.all(pending.map((w) => poll(client, w)));
    for (const w of pending) {
      if (!w.job || !isEnded(w.job)) continue;
      w.done = true;
      const text = `${first ? '' : '\n'}${endedBlock(w.line, w.job)}`;
      if (tty) region.print(text);
      else out.write(`${text}\n`);
      first = false;
    }
    const live = watched.filter((w) => !w.done);
    if (live.length === 0) break;
    if (tty) region.render(live.map(display));
    else if (Date.now() - lastPlainAt >= plainIntervalMs) {
      out.write(`${live.map(display).join('\n')}\n`);
      lastPlainAt = Date.now();
    }
    await sleep(pollMs);
  }
  return watched.map((w) => w.job!);
}

async function poll(client: PartitaClient, w: Watched): Promise<void> {
  try {
    const job = await client.getJob(w.id);
    w.job = job;
    w.failures.answered();
    w.note = undefined;
    const { rate, etaMs } = w.tracker.observe(job);
    w.line = progressLine(job, { rate, etaMs });
  } catch (err) {
    w.note = w.failures.tolerate(err);
  }
}

/** A job's last progress line, where its result is (or why there is none), and its timings table. */
function endedBlock(line: string, job: JobView): string {
  const outcome = outcomeLines(job);
  return [line, '', ...(outcome.length > 0 ? [...outcome, ''] : []), timingsReport(job)].join('\n');
}

const placeholderLine = (id: string) => `${id.slice(0, 8)} waiting for the first answer`;
const display = (w: Watched) => (w.note ? `${w.line}  (${w.note})` : w.line);

function toOutput(out: NonNullable<WatchOptions['out']>): Output {
  return typeof (out as Partial<NodeJS.EventEmitter>).on === 'function' ? streamOutput(out as NodeJS.WritableStream) : (out as Output);
}
