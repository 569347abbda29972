import type { NoopSpec } from '@partita/contracts';
import { checkPartitionCount, type JobLimits } from './limits.js';
import type { Plan } from './plan.js';

/** A noop job's plan: `partitions` partitions of one item each. */
export function planNoop(jobId: string, spec: NoopSpec, limits: JobLimits): Plan {
  checkPartitionCount(spec.partitions, limits);
  return {
    itemsTotal: spec.partitions,
    partitions: Array.from({ length: spec.partitions }, (_, index) => ({
      index,
      payload: { kind: 'noop', jobId, index },
      items: 1,
      estimatedCost: 1,
    })),
    output: { container: spec.output.container, prefix: spec.output.prefix ?? 'noop' },
  };
}
