import { TERMINAL_JOB_STATUSES, type JobView, type TravelPlanSpecInput } from '@partita/contracts';
import { progressLine, timingsReport } from './report.js';

/** The demo: a generated travel-planning job sized so each partition is real work (well over 100 ms). */
export function demoSpec(groups: number): TravelPlanSpecInput {
  return {
    kind: 'travel-plan',
    input: { generate: { groups, seed: 42 } },
    optimizer: { algorithm: 'genetic', restarts: 2 },
    partitioner: 'cost-aware',
    partitions: 16,
    output: { container: 'results', prefix: 'demo' },
    dataset: {
      name: 'travel-plans-demo',
      description: 'Demo: generated travel groups planned with the genetic algorithm',
      tags: { source: 'demo' },
    },
  };
}

/** Submits the demo job, draws its progress until it ends, and prints the timings table. Returns the final job. */
export async function runDemo(baseUrl: string, groups: number, out: NodeJS.WriteStream = process.stdout): Promise<JobView> {
  const res = await fetch(`${baseUrl}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(demoSpec(groups)),
  });
  if (!res.ok) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  out.write(`submitted job ${id}\n`);
  let lastPrinted = 0;
  for (;;) {
    const poll = await fetch(`${baseUrl}/jobs/${id}`);
    if (!poll.ok) throw new Error(`GET /jobs/${id} failed: ${poll.status} ${await poll.text()}`);
    const job = (await poll.json()) as JobView;
    const ended = TERMINAL_JOB_STATUSES.includes(job.status);
    if (out.isTTY) out.write(`\r${progressLine(job)}\x1b[K`);
    else if (ended || Date.now() - lastPrinted > 2000) {
      out.write(`${progressLine(job)}\n`);
      lastPrinted = Date.now();
    }
    if (ended) {
      out.write(`${out.isTTY ? '\n' : ''}\n${timingsReport(job)}\n`);
      return job;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
