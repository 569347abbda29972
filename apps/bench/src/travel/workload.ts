// A benchmark's travel workload: generated groups and an optimiser, as a job spec for Partita and as the argument of
// the work measured in a child process.
import type { OptimizerSpec, PartitionerName, TravelPlanSpecInput } from '@partita/contracts';

/** Groups `0..groups-1` of the generated data set `seed`, planned with `optimizer`. */
export interface TravelWorkload {
  groups: number;
  seed: number;
  /** As a job spec states it; defaults filled in by the contracts' schema. */
  optimizer: OptimizerSpec;
}

/** How a job splits the groups; an omitted field takes the spec's default. */
export interface Layout {
  partitioner?: PartitionerName;
  partitions?: number;
}

/**
 * The job that plans `workload` through Partita, split as `layout` says, writing to `output` (a stack's container;
 * left out, the spec's default, for a spec that is only planned).
 */
export function travelJobSpec(
  workload: TravelWorkload,
  layout: Layout = {},
  output?: { container: string; prefix: string },
): TravelPlanSpecInput {
  return {
    kind: 'travel-plan',
    input: { generate: { groups: workload.groups, seed: workload.seed } },
    optimizer: workload.optimizer,
    ...layout,
    ...(output ? { output } : {}),
  };
}

/** A small job on the same optimiser that gives every worker a few partitions: threads spawned and code compiled before anything is timed. */
export function warmUpSpec(workload: TravelWorkload, workers: number, container: string): TravelPlanSpecInput {
  return travelJobSpec(
    { ...workload, groups: 16 * workers, seed: workload.seed + 1 },
    { partitioner: 'round-robin', partitions: 4 * workers },
    { container, prefix: 'warm-up' },
  );
}
