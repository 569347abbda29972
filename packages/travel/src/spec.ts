import type { Algorithm, OptimizerOptions, OptimizerParams } from './params.js';

/** An optimiser as a job spec states it: flat, the algorithm's parameters beside `algorithm`, `seed` and `exactGap`. */
export type FlatOptimizerSpec = { algorithm: Algorithm; seed?: number; exactGap?: boolean } & OptimizerParams;

/** The spec's flat form as {@link OptimizerOptions}. */
export function optimizerFromSpec(spec: FlatOptimizerSpec): OptimizerOptions {
  const { algorithm, seed, exactGap: _exactGap, ...params } = spec;
  return { algorithm, params, seed: seed ?? 0 };
}

/** A time of day as minutes after midnight: minutes pass through, "H:MM" is converted. */
export function parseClock(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (!match) throw new RangeError(`"${value}" is not a time of day (H:MM)`);
  return Number(match[1]) * 60 + Number(match[2]);
}
