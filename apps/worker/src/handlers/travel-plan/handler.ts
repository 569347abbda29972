import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PermanentError, TRAVEL_PLAN_COLUMNS, TravelPlanSpec } from '@partita/contracts';
import { buildProblem, hashSeed, optimize, optimizerFromSpec, solveExact } from '@partita/travel';
import type { PartitionHandler } from '../handler.js';
import { writePartitionFile } from '../../output.js';
import { loadGroups } from './groups.js';
import { planRows } from './rows.js';

/**
 * Rebuilds the partition's groups, optimises each (seeded per group, so a rerun gives the same rows), and writes one
 * Parquet file. Yields to the event loop between groups so the queue lock keeps being renewed during long partitions.
 */
export const travelPlanHandler: PartitionHandler<'travel-plan'> = async (payload, ctx) => {
  const parsed = TravelPlanSpec.safeParse(ctx.spec);
  if (!parsed.success) throw new PermanentError(`job ${payload.jobId} has an invalid spec: ${parsed.error.message}`);
  const spec = parsed.data;
  const { groups, routeFlights } = await loadGroups(spec.input, payload.groups, ctx.source);
  const options = optimizerFromSpec(spec.optimizer);
  const withExact = spec.optimizer.algorithm !== 'exact' && spec.optimizer.exactGap;

  return writePartitionFile(ctx, payload.jobId, payload.index, TRAVEL_PLAN_COLUMNS, async (append) => {
    let done = 0;
    for (const group of groups) {
      ctx.signal.throwIfAborted();
      let problem;
      try {
        problem = buildProblem(group, routeFlights);
      } catch (err) {
        throw new PermanentError((err as Error).message, err); // bad input data: another attempt fails the same way
      }
      const result = optimize(problem, { ...options, seed: hashSeed(options.seed ?? 0, group.id) });
      const optimum = spec.optimizer.algorithm === 'exact' ? result.cost : withExact ? solveExact(problem).cost : null;
      for (const row of planRows(problem, result, spec.optimizer.algorithm, optimum)) await append(row);
      ctx.progress(++done);
      await yieldToEventLoop();
    }
  });
};
