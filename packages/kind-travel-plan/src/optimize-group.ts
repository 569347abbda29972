import { PermanentError, type OptimizerSpec } from '@partita/contracts';
import { buildProblem, hashSeed, optimize, optimizerFromSpec, planRows, solveExact, type Flight, type Group } from '@partita/travel';

/** One group's optimisation, as it crosses to a CPU thread: the group, the flights of its routes, the optimiser. */
export interface GroupTask {
  group: Group;
  /** Flights by route, `origin>destination`, for every route the group's travellers use. */
  flights: Record<string, readonly Flight[]>;
  optimizer: OptimizerSpec;
}

/**
 * Optimises one group (seeded by the group's id, so a rerun gives the same rows) and returns its output rows.
 * Pure and synchronous: CPU-bound work for a thread of the worker's CPU pool.
 */
export function optimizeGroup(task: GroupTask): Record<string, unknown>[] {
  const { group, optimizer } = task;
  let problem;
  try {
    problem = buildProblem(group, (o, d) => task.flights[`${o}>${d}`] ?? []);
  } catch (err) {
    throw new PermanentError((err as Error).message, err); // bad input data: another attempt fails the same way
  }
  const options = optimizerFromSpec(optimizer);
  const result = optimize(problem, { ...options, seed: hashSeed(options.seed ?? 0, group.id) });
  const optimum = optimizer.algorithm === 'exact' ? result.cost : optimizer.exactGap ? solveExact(problem).cost : null;
  return planRows(problem, result, optimizer.algorithm, optimum);
}

/**
 * Several groups' optimisations as one message to a CPU thread: the flights of routes the groups share cross once,
 * and the thread goes from one group to the next without waiting for the event loop.
 */
export interface GroupsTask {
  groups: Group[];
  flights: Record<string, readonly Flight[]>;
  optimizer: OptimizerSpec;
}

/** The flights a list of groups needs, each route once. */
export function groupsTask(
  groups: readonly Group[],
  routeFlights: (origin: string, destination: string) => readonly Flight[],
  optimizer: OptimizerSpec,
): GroupsTask {
  const flights: Record<string, readonly Flight[]> = {};
  for (const group of groups) {
    for (const t of group.travellers) {
      flights[`${t.origin}>${group.destination}`] ??= routeFlights(t.origin, group.destination);
      flights[`${group.destination}>${t.origin}`] ??= routeFlights(group.destination, t.origin);
    }
  }
  return { groups: [...groups], flights, optimizer };
}

/** Every group of the task, in order: one list of output rows per group. */
export function optimizeGroups(task: GroupsTask): Record<string, unknown>[][] {
  return task.groups.map((group) => optimizeGroup({ group, flights: task.flights, optimizer: task.optimizer }));
}
