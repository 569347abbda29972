import { z } from 'zod';
import { DatasetSpec, MAX_PARTITIONS, OutputSpec, PartitionerName, RetrySpec, TableName, Text } from './common.js';

const Airport = z.string().regex(/^[A-Z0-9]{3,4}$/, 'must be an airport code of 3–4 capital letters or digits');
/** A time of day: minutes after midnight (may exceed 1440 for a next-day arrival), or "H:MM". */
const Clock = z.union([
  z
    .int()
    .min(0)
    .max(2 * 1440 - 1),
  z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'must be H:MM or HH:MM'),
]);

const Seed = z
  .int()
  .min(0)
  .max(2 ** 32 - 1);
/** Independent seeded runs per group, keeping the best: scales the work and the quality of a heuristic. Default 1. */
const Restarts = z.int().min(1).max(10_000).default(1);

/** The book's optimisers with its default parameters, plus an exact solver. */
export const OptimizerSpec = z.discriminatedUnion('algorithm', [
  z.strictObject({
    algorithm: z.literal('random'),
    /** Random plans tried. Default 1000. */
    guesses: z.int().min(1).max(10_000_000).default(1000),
    restarts: Restarts,
    seed: Seed.default(0),
    exactGap: z.boolean().default(false),
  }),
  z.strictObject({
    algorithm: z.literal('hillclimb'),
    restarts: Restarts,
    seed: Seed.default(0),
    exactGap: z.boolean().default(false),
  }),
  z.strictObject({
    algorithm: z.literal('annealing'),
    /** Starting temperature. Default 10000. */
    T: z.number().positive().max(1e12).default(10_000),
    /** Cooling factor per step, in (0,1). Default 0.95. */
    cool: z.number().gt(0).lt(1).default(0.95),
    /** Largest move of one slot. Default 1. */
    step: z.int().min(1).max(100).default(1),
    restarts: Restarts,
    seed: Seed.default(0),
    exactGap: z.boolean().default(false),
  }),
  z.strictObject({
    algorithm: z.literal('genetic'),
    /** Population size. Default 50. */
    popsize: z.int().min(2).max(100_000).default(50),
    step: z.int().min(1).max(100).default(1),
    /** Probability of mutation rather than crossover. Default 0.2. */
    mutprob: z.number().min(0).max(1).default(0.2),
    /** Fraction of the population kept as elite. Default 0.2. */
    elite: z.number().gt(0).lt(1).default(0.2),
    /** Generations. Default 100. */
    maxiter: z.int().min(1).max(1_000_000).default(100),
    restarts: Restarts,
    seed: Seed.default(0),
    exactGap: z.boolean().default(false),
  }),
  z.strictObject({
    algorithm: z.literal('exact'),
    /** Accepted for every algorithm: the exact solver's optimum is its own cost, its gap 0. */
    exactGap: z.boolean().default(false),
  }),
]);
export type OptimizerSpec = z.infer<typeof OptimizerSpec>;
export type Algorithm = OptimizerSpec['algorithm'];

export const InlineFlight = z.strictObject({
  origin: Airport,
  destination: Airport,
  depart: Clock,
  arrive: Clock,
  price: z.number().nonnegative().max(1e7),
});
export const InlineGroup = z.strictObject({
  id: Text.min(1).max(128),
  destination: Airport,
  travellers: z
    .array(z.strictObject({ name: Text.min(1).max(128), origin: Airport }))
    .min(1)
    .max(1000),
});

/** Where the groups and flights come from. Exactly one source. */
export const TravelInput = z.union([
  z.strictObject({
    /** The seeded generator: a partition carries only `(seed, index)` ranges. */
    generate: z.strictObject({
      groups: z.int().min(1).max(1_000_000),
      seed: Seed.default(42),
    }),
  }),
  z.strictObject({
    /** Groups and flights in the request, for small jobs. */
    inline: z.strictObject({
      groups: z.array(InlineGroup).min(1).max(10_000),
      flights: z.array(InlineFlight).min(1).max(100_000),
    }),
  }),
  z.strictObject({
    /** Tables in the source PostgreSQL database. */
    postgres: z.strictObject({
      /** Columns group_id, person, home_airport, destination. */
      travellers: TableName,
      /** Columns origin, destination, departure, arrival (time or minutes), price. */
      flights: TableName,
    }),
  }),
]);
export type TravelInput = z.infer<typeof TravelInput>;

export const TravelPlanSpec = z.strictObject({
  kind: z.literal('travel-plan'),
  input: TravelInput,
  optimizer: OptimizerSpec.default({ algorithm: 'annealing', T: 10_000, cool: 0.95, step: 1, restarts: 1, seed: 0, exactGap: false }),
  /** How groups are dealt to partitions. Default `cost-aware`. */
  partitioner: PartitionerName.default('cost-aware'),
  /** Number of partitions (queue messages). Default 16; never more than the groups. */
  partitions: z.int().min(1).max(MAX_PARTITIONS).default(16),
  output: OutputSpec.default({ container: 'results' }),
  dataset: DatasetSpec.optional(),
  retry: RetrySpec.default({ attempts: 3, backoffMs: 1000 }),
});
export type TravelPlanSpec = z.infer<typeof TravelPlanSpec>;
export type TravelPlanSpecInput = z.input<typeof TravelPlanSpec>;
