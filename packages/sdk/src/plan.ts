import { partition as assign, type PartitionerName } from '@partita/partition';
import type { InputPlan, PlanContext } from './context.js';
import type { Kind } from './kind.js';
import { checkPartitionCount } from './limits.js';

/** One planned partition: what its queue message carries of the input, and what it counts for. */
export interface PlannedUnits {
  index: number;
  /** The partition's units as the input encoded them. */
  units: unknown;
  /** Items it counts for in the job's progress. */
  items: number;
  /** Estimated work, in the input's cost units. */
  estimatedCost: number;
}

export interface KindPlan {
  partitions: PlannedUnits[];
  itemsTotal: number;
  details: Record<string, unknown> | undefined;
  lease: InputPlan['lease'];
  prefix: string;
}

/**
 * Plans a job of `kind` from its validated spec: the input's units, packed into partitions by the spec's partitioner
 * (cost-aware by default), within the master's limits; a fixed input's units are its partitions. Deterministic for a
 * given spec and data. A plan refused after its input was planned releases what the input holds.
 */
export async function planKind(kind: Kind, spec: Record<string, unknown>, ctx: PlanContext): Promise<KindPlan> {
  const plan = await kind.input.plan(spec, ctx);
  try {
    const units = plan.units;
    let lists: number[][];
    if (kind.input.fixed) {
      checkPartitionCount(units.length, ctx.limits.partitions, 'input');
      lists = units.map((_, i) => [i]);
    } else {
      const wanted = Math.min(spec['partitions'] as number, units.length);
      checkPartitionCount(wanted, ctx.limits.partitions);
      lists = assign(
        units.map((u) => ({ key: u.key, cost: u.cost })),
        wanted,
        spec['partitioner'] as PartitionerName,
      )
        .filter((l) => l.length > 0)
        .map((l) => [...l].sort((a, b) => a - b));
    }
    const itemsOf = (i: number) => units[i]!.items ?? 1;
    return {
      partitions: lists.map((list, index) => ({
        index,
        units: plan.encode(list),
        items: list.reduce((a, i) => a + itemsOf(i), 0),
        estimatedCost: list.reduce((a, i) => a + units[i]!.cost, 0),
      })),
      itemsTotal: units.reduce((a, _, i) => a + itemsOf(i), 0),
      details: plan.details,
      lease: plan.lease,
      prefix: plan.prefix ?? (spec['output'] as { prefix?: string } | undefined)?.prefix ?? kind.name,
    };
  } catch (err) {
    await plan.lease?.release();
    throw err;
  }
}
