import { describe, expect, it } from 'vitest';
import type { JobView } from '@partita/contracts';
import { PartitaClient } from './client.js';
import { jobView, partitionView } from './job.fixture.js';
import { watchJobs } from './watch.js';
import { captureOutput } from './output.fixture.js';

/** A client whose GET /jobs/:id answers with the next of `views` each time (the last one from then on). */
function scriptedClient(views: (JobView | 'down')[]) {
  let i = 0;
  const fetch = (async () => {
    const next = views[Math.min(i++, views.length - 1)]!;
    if (next === 'down') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    return new Response(JSON.stringify(next), { status: 200 });
  }) as typeof globalThis.fetch;
  return new PartitaClient({ baseUrl: 'http://master', fetch });
}

const at = (wallMs: number, done: number, itemsDone: number, status: JobView['status'] = 'running') =>
  jobView({ status, timings: { ...jobView().timings, wallMs }, progress: { ...jobView().progress, done, itemsDone } });
const finished = jobView({
  status: 'succeeded',
  timings: { ...jobView().timings, wallMs: 4000 },
  progress: { done: 8, total: 8, succeeded: 8, failed: 0, running: 0, itemsDone: 300, itemsTotal: 300, itemNoun: 'groups' },
  output: { container: 'results', prefix: 'p', manifest: 'p/x/_manifest.json' },
  partitions: [partitionView()],
});

describe('watchJobs', () => {
  it('prints plain lines at its interval, then the last line, the outcome and the timings table', async () => {
    const out = captureOutput(false);
    const [job] = await watchJobs(scriptedClient([at(500, 0, 0), at(1000, 2, 80), at(2000, 5, 200), finished]), [finished.id], {
      out,
      plainPollMs: 1,
      plainIntervalMs: 0,
    });
    expect(job).toEqual(finished);
    const lines = out.text.split('\n');
    expect(lines.filter((l) => /\d+\/8 partitions/.test(l)).map((l) => l.match(/(\d+)\/8 partitions/)![1])).toEqual(['0', '2', '5', '8']);
    expect(out.text).toContain('\n\nmanifest: results/p/x/_manifest.json\n\npartition  items');
    expect(out.text.trimEnd().split('\n').at(-1)).toMatch(/^5e4a18a3\s+succeeded\s+4000 ms\s+4000 ms\s+1\.60x\s+2\s+0\.80$/);
    expect(out.text).not.toContain('\x1b[');
  });

  it('prints a plain line no more often than its interval', async () => {
    const out = captureOutput(false);
    await watchJobs(scriptedClient([at(500, 0, 0), at(600, 1, 10), at(700, 2, 20), finished]), [finished.id], {
      out,
      plainPollMs: 1,
      plainIntervalMs: 60_000,
    });
    expect(out.text.split('\n').filter((l) => /\d+\/8 partitions/.test(l))).toHaveLength(2);
  });

  it('redraws in place on a terminal', async () => {
    const out = captureOutput(true);
    await watchJobs(scriptedClient([at(500, 0, 0), at(1000, 2, 80), finished]), [finished.id], { out, ttyPollMs: 1 });
    expect(out.text.startsWith('\r\x1b[2K5e4a18a3 ')).toBe(true);
    expect(out.text).toContain('\x1b[1A\r\x1b[2K5e4a18a3 ');
    expect(out.text).toContain('\x1b[1A\r\x1b[J5e4a18a3 [########################] 100%  8/8 partitions');
  });

  it('keeps watching while the master is briefly unreachable', async () => {
    const out = captureOutput(false);
    const [job] = await watchJobs(scriptedClient([at(500, 0, 0), 'down', 'down', finished]), [finished.id], {
      out,
      plainPollMs: 1,
      plainIntervalMs: 0,
    });
    expect(job!.status).toBe('succeeded');
    expect(out.text).toContain('(master unreachable; retrying)');
  });

  it('gives up when the master stays unreachable', async () => {
    const out = captureOutput(false);
    await expect(
      watchJobs(scriptedClient([at(500, 0, 0), 'down']), [finished.id], { out, plainPollMs: 5, plainIntervalMs: 0, giveUpAfterMs: 20 }),
    ).rejects.toThrow(/cannot reach the master at http:\/\/master/);
  });
});
