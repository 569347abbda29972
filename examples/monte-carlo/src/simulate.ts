/** One scenario of the grid: the yearly drift and volatility of the value, and the horizon in trading days. */
export interface Scenario {
  drift: number;
  volatility: number;
  horizon: number;
}

/** What one scenario's simulation needs besides the scenario: the starting value, the number of paths, the seed. */
export interface SimulationTask {
  scenario: Scenario;
  start: number;
  paths: number;
  seed: number;
}

/** One output row: the scenario and the distribution of the value at its horizon. */
export interface ScenarioResult {
  drift: number;
  volatility: number;
  horizon: number;
  paths: number;
  mean: number;
  p05: number;
  p50: number;
  /** Value at risk at 95 %: the loss from `start` not exceeded in 95 % of the paths (0 when the 5 % quantile gains). */
  var95: number;
  /** Share of paths that end below `start`. */
  prob_loss: number;
}

const TRADING_DAYS = 252;

/** A small, fast, seedable generator (mulberry32): the same seed gives the same paths on any machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed of its own for each scenario, from the job's seed and the scenario: results do not depend on partitioning. */
export function scenarioSeed(seed: number, s: Scenario): number {
  let h = 2166136261 ^ seed;
  for (const ch of `${s.drift}|${s.volatility}|${s.horizon}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/**
 * Simulates `paths` daily paths of a geometric Brownian motion over the scenario's horizon and summarises where they
 * end. Pure and synchronous: CPU work for a thread.
 */
export function simulate(task: SimulationTask): ScenarioResult {
  const { scenario, start, paths } = task;
  const next = random(scenarioSeed(task.seed, scenario));
  const dt = 1 / TRADING_DAYS;
  const step = (scenario.drift - (scenario.volatility * scenario.volatility) / 2) * dt;
  const shock = scenario.volatility * Math.sqrt(dt);
  const ends = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    let logValue = Math.log(start);
    for (let d = 0; d < scenario.horizon; d++) {
      // Box–Muller: a standard normal from two uniforms (1 - u keeps the logarithm finite).
      const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      logValue += step + shock * z;
    }
    ends[p] = Math.exp(logValue);
  }
  ends.sort();
  const quantile = (q: number) => ends[Math.min(paths - 1, Math.floor(q * paths))]!;
  let sum = 0;
  let losses = 0;
  for (const v of ends) {
    sum += v;
    if (v < start) losses++;
  }
  const p05 = quantile(0.05);
  return {
    ...scenario,
    paths,
    mean: sum / paths,
    p05,
    p50: quantile(0.5),
    var95: Math.max(0, start - p05),
    prob_loss: losses / paths,
  };
}
