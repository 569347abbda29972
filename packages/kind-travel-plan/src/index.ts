import { OptimizerSpec, PermanentError, TRAVEL_PLAN_COLUMNS, TravelPlanSpec } from '@partita/contracts';
import { custom, defineKind } from '@partita/sdk';
import { generateGroup, generateRoute } from '@partita/travel';
import { loadFromPostgres, loadGroups } from './load-groups.js';
import { groupsTask, optimizeGroups, type GroupsTask } from './optimize-group.js';
import { GroupRefs, planTravelGroups, travellerGroups } from './plan.js';

/**
 * Groups per task to a CPU thread: one task per group cost a round trip and a copy of its routes' flights each
 * (about 20% on top of small groups' work); a slice shares both, and progress is still reported slice by slice.
 */
const GROUPS_PER_TASK = 16;

const ALGORITHMS = ['genetic', 'annealing', 'hillclimb', 'random', 'exact'] as const;

/**
 * Group travel (Segaran, Programming Collective Intelligence, ch. 5): each group's flights optimised with the
 * spec's algorithm. Groups are generated, inline or read from PostgreSQL; each is optimised on the worker's CPU
 * threads (seeded per group, so a rerun gives the same rows), and every traveller's plan is one output row.
 */
export default defineKind({
  name: 'travel-plan',
  version: '1.0.0',
  description: 'Optimise the flights of travel groups (generated, inline or from PostgreSQL)',
  units: 'groups',
  spec: TravelPlanSpec.omit({ kind: true }),
  input: custom({
    type: 'groups',
    plan: (spec: TravelPlanSpec, ctx) => planTravelGroups(spec, ctx),
    open: async (ref, spec: TravelPlanSpec, ctx) => {
      if ('postgres' in spec.input)
        return loadFromPostgres(await travellerGroups.open(ref, spec, ctx), spec.input.postgres.flights, ctx.source());
      const parsed = GroupRefs.safeParse(ref);
      if (!parsed.success) throw new PermanentError(`partition message: groups ${parsed.error.issues[0]?.message ?? 'malformed'}`);
      return loadGroups(spec.input, parsed.data);
    },
  }),
  output: { columns: Object.fromEntries(TRAVEL_PLAN_COLUMNS.map((c) => [c.name, { type: c.type, nullable: c.nullable }])) },
  cpu: true,
  compute: (task: GroupsTask) => optimizeGroups(task),
  // A few generated groups through each optimiser: their code is compiled before the first partition.
  warmUp: () => {
    const groups = [0, 1, 2, 3].map((i) => generateGroup(1, i));
    const routes = (o: string, d: string) => generateRoute(1, o, d);
    return ALGORITHMS.map((algorithm) => groupsTask(groups, routes, OptimizerSpec.parse({ algorithm })));
  },
  run: async ({ spec, groups, routeFlights }, ctx) => {
    let done = 0;
    for (let i = 0; i < groups.length; i += GROUPS_PER_TASK) {
      ctx.signal.throwIfAborted();
      const slice = groups.slice(i, i + GROUPS_PER_TASK);
      const rowsByGroup = await ctx.compute(groupsTask(slice, routeFlights, spec.optimizer));
      for (const rows of rowsByGroup) await ctx.write(rows as Parameters<typeof ctx.write>[0]);
      ctx.progress((done += slice.length));
    }
  },
});
