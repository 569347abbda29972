// What the quality table says of one optimiser over many groups: how far from the exact optimum, how often on it, and
// how long a group takes.
import { median } from '../suite.js';

/** One group's result of one optimiser, beside the group's exact optimum. */
export interface GroupOutcome {
  cost: number;
  optimum: number;
  ms: number;
}

export interface Timing {
  msMedian: number;
  msMean: number;
}

export interface QualitySummary extends Timing {
  groups: number;
  /** Mean and largest of cost / optimum − 1 over the groups. */
  meanGap: number;
  maxGap: number;
  /** Share of the groups whose cost is the optimum. */
  exactShare: number;
}

/** Costs are sums of whole dollars and minutes; the tolerance only absorbs float rounding. */
const TOLERANCE = 1e-9;

/**
 * cost / optimum − 1. A cost below the optimum disproves the exact solver, so it throws rather than report a
 * negative gap.
 */
export function gap(cost: number, optimum: number): number {
  if (!(optimum > 0)) throw new RangeError(`optimum ${optimum} must be positive`);
  const g = cost / optimum - 1;
  if (g < -TOLERANCE) throw new RangeError(`cost ${cost} is below the exact optimum ${optimum}`);
  return Math.max(0, g);
}

export function timing(ms: readonly number[]): Timing {
  return { msMedian: median(ms), msMean: ms.reduce((a, b) => a + b, 0) / ms.length };
}

export function summarise(outcomes: readonly GroupOutcome[]): QualitySummary {
  if (outcomes.length === 0) throw new RangeError('no groups to summarise');
  const gaps = outcomes.map((o) => gap(o.cost, o.optimum));
  return {
    groups: outcomes.length,
    meanGap: gaps.reduce((a, b) => a + b, 0) / gaps.length,
    maxGap: Math.max(...gaps),
    exactShare: gaps.filter((g) => g <= TOLERANCE).length / gaps.length,
    ...timing(outcomes.map((o) => o.ms)),
  };
}
