import { PermanentError, TRAVEL_PLAN_COLUMNS, TravelPlanSpec } from '@partita/contracts';
import type { PartitionHandler } from '../handler.js';
import { writePartitionFile } from '../../output.js';
import { loadGroups } from './groups.js';
import { groupsTask } from './optimize-group.js';

/**
 * Groups per message to a CPU thread: one message per group cost a round trip and a copy of its routes' flights each
 * (about 20% on top of small groups' work); a slice shares both, and progress is still reported slice by slice.
 */
const GROUPS_PER_TASK = 16;

/**
 * Rebuilds the partition's groups, optimises each on the worker's CPU threads (seeded per group, so a rerun gives the
 * same rows) and writes one Parquet file. The event loop stays free meanwhile, so the queue lock keeps being renewed
 * however long a group computes.
 */
export const travelPlanHandler: PartitionHandler<'travel-plan'> = async (payload, ctx) => {
  const parsed = TravelPlanSpec.safeParse(ctx.spec);
  if (!parsed.success) throw new PermanentError(`job ${payload.jobId} has an invalid spec: ${parsed.error.message}`);
  const spec = parsed.data;
  const { groups, routeFlights } = await loadGroups(spec.input, payload.groups, ctx.source);

  return writePartitionFile(ctx, payload.jobId, payload.index, TRAVEL_PLAN_COLUMNS, async (append) => {
    let done = 0;
    for (let i = 0; i < groups.length; i += GROUPS_PER_TASK) {
      ctx.signal.throwIfAborted();
      const slice = groups.slice(i, i + GROUPS_PER_TASK);
      const rowsByGroup = await ctx.optimizers.run(groupsTask(slice, routeFlights, spec.optimizer), ctx.signal);
      for (const rows of rowsByGroup) for (const row of rows) await append(row);
      ctx.progress((done += slice.length));
    }
  });
};
