// The partitions the master makes of a generated travel job, for the simulated makespan: the same cost estimate and
// partitioner as the travel kind's planning (packages/kind-travel-plan/src/plan.ts; plan.test.ts holds the two
// to the same lists), and a check that the job a master planned is this one.
import type { JobView, TravelPlanSpec } from '@partita/contracts';
import { partition } from '@partita/partition';
import { estimateGroupWork, groupSize, optimizerFromSpec } from '@partita/travel';

/** A planned partition: its groups (indices of the generated data set, ascending) and their estimated work. */
export interface PlannedPartition {
  groups: number[];
  estimatedCost: number;
}

/** The partitions of a job with a generated input, in queue order. */
export function planGenerated(spec: TravelPlanSpec): PlannedPartition[] {
  if (!('generate' in spec.input)) throw new Error('planGenerated needs a generated input');
  const { groups, seed } = spec.input.generate;
  const options = optimizerFromSpec(spec.optimizer);
  const items = Array.from({ length: groups }, (_, i) => ({ key: String(i), cost: estimateGroupWork(groupSize(seed, i), options) }));
  return partition(items, Math.min(spec.partitions, groups), spec.partitioner)
    .filter((list) => list.length > 0)
    .map((list) => ({ groups: list, estimatedCost: list.reduce((sum, i) => sum + items[i]!.cost, 0) }));
}

/** Throws unless the job's partitions hold as many groups and as much estimated work as `planned`, in the same order. */
export function assertPlannedAs(job: JobView, planned: readonly PlannedPartition[]): void {
  const parts = [...job.partitions].sort((a, b) => a.index - b.index);
  const same =
    parts.length === planned.length &&
    parts.every((p, i) => {
      const q = planned[i]!;
      return p.items === q.groups.length && Math.abs(p.estimatedCost - q.estimatedCost) <= 1e-6 * Math.max(1, q.estimatedCost);
    });
  if (!same) throw new Error(`job ${job.id} was not partitioned as the benchmark simulates it (the planner and travel/plan.ts differ)`);
}
