import { defineKind, grid, z } from '@partita/sdk';
import { simulate, type SimulationTask } from './simulate.js';

/** The kind's own fields of a job: the grid of scenarios and the simulation's size. */
const Spec = z.object({
  /** Starting value of the portfolio. Default 100. */
  start: z.number().positive().default(100),
  /** Yearly drifts to try, e.g. [0.02, 0.05]. */
  drifts: z.array(z.number().min(-1).max(1)).min(1).max(100),
  /** Yearly volatilities to try, e.g. [0.1, 0.2, 0.4]. */
  volatilities: z.array(z.number().min(0).max(3)).min(1).max(100),
  /** Horizons in trading days, e.g. [10, 250]. */
  horizons: z.array(z.int().min(1).max(2520)).min(1).max(100),
  /** Paths simulated per scenario. Default 10,000. */
  paths: z.int().min(100).max(1_000_000).default(10_000),
  /** Seed of the whole job: the same spec gives the same numbers. Default 1. */
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});
type Spec = z.infer<typeof Spec>;

/**
 * Value at risk by Monte Carlo: every scenario of the grid (drift × volatility × horizon) simulated on its own paths,
 * one output row per scenario. A scenario costs its horizon in days, so long horizons spread over the partitions.
 */
export default defineKind({
  name: 'monte-carlo-var',
  version: '1.0.0',
  description: 'Value at risk by Monte Carlo simulation, for every scenario of a drift × volatility × horizon grid',
  units: 'scenarios',
  spec: Spec,
  input: grid((spec: Spec) => ({ drift: spec.drifts, volatility: spec.volatilities, horizon: spec.horizons }), {
    cost: (scenario) => scenario.horizon,
  }),
  output: {
    columns: {
      drift: 'DOUBLE',
      volatility: 'DOUBLE',
      horizon: 'INT32',
      paths: 'INT32',
      mean: 'DOUBLE',
      p05: 'DOUBLE',
      p50: 'DOUBLE',
      var95: 'DOUBLE',
      prob_loss: 'DOUBLE',
    },
  },
  // The simulation is synchronous CPU work: it runs on the worker's threads, off the event loop.
  cpu: true,
  compute: (task: SimulationTask) => simulate(task),
  run: async ({ spec, items }, ctx) => {
    let done = 0;
    for (const scenario of items) {
      ctx.signal.throwIfAborted();
      await ctx.write(await ctx.compute({ scenario, start: spec.start, paths: spec.paths, seed: spec.seed }));
      ctx.progress(++done);
    }
  },
});
