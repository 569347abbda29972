import type { JobView, TravelPlanSpecInput } from '@partita/contracts';
import { PartitaClient, watchJobs } from '@partita/cli';

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

/** Submits the demo job and follows it as `partita submit --watch` does: progress, then the timings table. */
export async function runDemo(baseUrl: string, token: string, groups: number, out: NodeJS.WriteStream = process.stdout): Promise<JobView> {
  const client = new PartitaClient({ baseUrl, token });
  const { id } = await client.submit(demoSpec(groups));
  out.write(`submitted job ${id}\n`);
  const [job] = await watchJobs(client, [id], { out });
  return job!;
}
