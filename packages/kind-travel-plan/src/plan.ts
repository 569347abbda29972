import { z } from 'zod';
import { ValidationError, quoteTableName, type TravelPlanSpec } from '@partita/contracts';
import { toRanges } from '@partita/partition';
import { groupsOf, type InputPlan, type PlanContext } from '@partita/sdk';
import { estimateGroupWork, optimizerFromSpec, parseClock } from '@partita/travel';
import { checkTravelGroups } from './limits.js';
import { listTravelGroups, probe, type GroupRef } from './list-groups.js';

/** How a generated or inline travel partition's groups travel in its queue message: generator indices as ranges, or group ids. */
export const GroupRefs = z.union([
  z.strictObject({ ranges: z.array(z.tuple([z.int().min(0), z.int().min(0)])).min(1) }),
  z.strictObject({ ids: z.array(z.string().min(1)).min(1) }),
]);
export type GroupRefs = z.infer<typeof GroupRefs>;

/**
 * A travel job's groups as units, within the per-job limits: each costs its estimated optimisation work (from its
 * size), so the cost-aware partitioner balances the partitions' work. Groups of a generated input travel as index
 * ranges, the others as ids.
 */
export async function planTravelGroups(spec: TravelPlanSpec, ctx: PlanContext): Promise<InputPlan> {
  if ('postgres' in spec.input) {
    const { flights } = spec.input.postgres;
    const planned = await travellerGroups.plan(spec, ctx);
    try {
      await probe(
        ctx.source(),
        `select origin, destination, departure, arrival, price from ${quoteTableName(flights)} limit 0`,
        'input.postgres.flights',
        flights,
      );
    } catch (err) {
      await planned.lease?.release();
      throw err;
    }
    return planned;
  }
  return planGroups(spec, listTravelGroups(spec.input, ctx.limits.units), ctx.limits.units);
}

/**
 * The groups of a `postgres` input: the travellers table grouped by `group_id`, counted in the job's snapshot, each
 * group costing its optimisation work, read by each partition in that snapshot.
 */
export const travellerGroups = groupsOf<TravelPlanSpec>({
  source: (spec) => ({ table: postgresInput(spec).travellers }),
  by: () => ['group_id'],
  columns: () => ['group_id', 'person', 'home_airport', 'destination'],
  cost: (rows, spec) => estimateGroupWork(rows, optimizerFromSpec(spec.optimizer)),
  path: 'input.postgres.travellers',
});

function postgresInput(spec: TravelPlanSpec): { travellers: string; flights: string } {
  if (!('postgres' in spec.input)) throw new Error('not a postgres input');
  return spec.input.postgres;
}

/** The pure part of planning: the listed groups as units. */
export function planGroups(spec: TravelPlanSpec, groups: readonly GroupRef[], maxGroups: number): InputPlan {
  checkTravelGroups(spec, groups.length, maxGroups);
  if ('inline' in spec.input) checkInline(spec.input.inline);
  const options = optimizerFromSpec(spec.optimizer);
  const generated = 'generate' in spec.input;
  return {
    units: groups.map((g) => ({ key: g.key, cost: estimateGroupWork(g.size, options) })),
    encode: (indices) =>
      generated ? { ranges: toRanges(indices.map((i) => Number(groups[i]!.key))) } : { ids: indices.map((i) => groups[i]!.key) },
  };
}

/** An inline input must be self-contained: unique group ids, and flights both ways on every traveller's route. */
function checkInline(inline: Extract<TravelPlanSpec['input'], { inline: unknown }>['inline']): void {
  const routes = new Set(inline.flights.map((f) => `${f.origin}>${f.destination}`));
  const issues: { path: string; message: string }[] = [];
  inline.flights.forEach((f, i) => {
    if (parseClock(f.arrive) <= parseClock(f.depart)) {
      issues.push({ path: `input.inline.flights[${i}].arrive`, message: 'must be after depart' });
    }
  });
  const seen = new Set<string>();
  inline.groups.forEach((g, gi) => {
    if (seen.has(g.id)) issues.push({ path: `input.inline.groups[${gi}].id`, message: `duplicate group id "${g.id}"` });
    seen.add(g.id);
    const names = new Set<string>();
    g.travellers.forEach((t, ti) => {
      const path = `input.inline.groups[${gi}].travellers[${ti}]`;
      if (names.has(t.name)) issues.push({ path: `${path}.name`, message: `duplicate traveller "${t.name}" in group` });
      names.add(t.name);
      if (t.origin === g.destination) issues.push({ path: `${path}.origin`, message: 'must differ from the group destination' });
      else {
        if (!routes.has(`${t.origin}>${g.destination}`)) issues.push({ path, message: `no flights from ${t.origin} to ${g.destination}` });
        if (!routes.has(`${g.destination}>${t.origin}`)) issues.push({ path, message: `no flights from ${g.destination} to ${t.origin}` });
      }
    });
  });
  if (issues.length > 0) {
    throw new ValidationError(
      issues
        .slice(0, 20)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; '),
      issues.slice(0, 100),
    );
  }
}
