// The workload of the notebooks Partita replaces: 8 groups of 7 people, each planned by the genetic algorithm with
// 2,000 generations. It took 4.99 min in one notebook and 1.63 min split over 4. The generator cannot be told a group
// size, so the groups are the first generated groups of 7 people, sent inline with the flights of their routes: the
// job spec itself says what is computed.
import { TravelPlanSpec, type TravelPlanSpecInput } from '@partita/contracts';
import {
  buildProblem,
  generateGroup,
  groupSize,
  hashSeed,
  optimize,
  optimizerFromSpec,
  parseClock,
  type Flight,
  type Group,
} from '@partita/travel';
import { generatedRoutes } from './problems.js';

export const NOTEBOOK_GROUPS = 8;
export const NOTEBOOK_GROUP_SIZE = 7;
export const NOTEBOOK_GENERATIONS = 2000;

/** What the notebooks took, in minutes: the reference the measured times are compared with. */
export const NOTEBOOK_REFERENCE = { sequentialMin: 4.99, parallelMin: 1.63, notebooks: 4 } as const;

/** Indices scanned for groups of the pinned size before giving up (each index has one in ~17). */
const SCAN_LIMIT = 100_000;

/** The first `NOTEBOOK_GROUPS` groups of `NOTEBOOK_GROUP_SIZE` people in the data set `seed`. */
export function notebookGroups(seed: number): Group[] {
  const groups: Group[] = [];
  for (let i = 0; i < SCAN_LIMIT && groups.length < NOTEBOOK_GROUPS; i++) {
    if (groupSize(seed, i) === NOTEBOOK_GROUP_SIZE) groups.push(generateGroup(seed, i));
  }
  if (groups.length < NOTEBOOK_GROUPS) throw new Error(`seed ${seed} has fewer than ${NOTEBOOK_GROUPS} groups of ${NOTEBOOK_GROUP_SIZE}`);
  return groups;
}

/**
 * The job: the notebook groups inline, genetic with 2,000 generations (the rest the book's defaults), one group per
 * partition. The caller adds the `output` of its deployment.
 */
export function notebookSpec(seed: number): TravelPlanSpecInput {
  const groups = notebookGroups(seed);
  const routes = generatedRoutes(seed);
  const flights = new Map<string, Flight[]>();
  for (const g of groups) {
    for (const t of g.travellers) {
      flights.set(`${t.origin}>${g.destination}`, [...routes(t.origin, g.destination)]);
      flights.set(`${g.destination}>${t.origin}`, [...routes(g.destination, t.origin)]);
    }
  }
  return {
    kind: 'travel-plan',
    input: { inline: { groups, flights: [...flights.values()].flat() } },
    optimizer: { algorithm: 'genetic', maxiter: NOTEBOOK_GENERATIONS },
    partitions: NOTEBOOK_GROUPS,
  };
}

/**
 * Plans every group of `spec` one after the other in this process, as a worker would (the spec's parsed defaults,
 * the worker's per-group seed), and returns the time taken.
 */
export function runSequential(spec: TravelPlanSpecInput): { ms: number } {
  const parsed = TravelPlanSpec.parse(spec);
  if (!('inline' in parsed.input)) throw new Error('the notebook workload is inline');
  const { groups, flights } = parsed.input.inline;
  const t0 = performance.now();
  const routes = new Map<string, Flight[]>();
  for (const f of flights) {
    const key = `${f.origin}>${f.destination}`;
    const flight = { ...f, depart: parseClock(f.depart), arrive: parseClock(f.arrive) };
    const route = routes.get(key);
    if (route) route.push(flight);
    else routes.set(key, [flight]);
  }
  const options = optimizerFromSpec(parsed.optimizer);
  for (const group of groups) {
    const problem = buildProblem(group, (o, d) => routes.get(`${o}>${d}`) ?? []);
    optimize(problem, { ...options, seed: hashSeed(options.seed ?? 0, group.id) });
  }
  return { ms: performance.now() - t0 };
}
