// The extract suite's method, pure: which read runs when (variants interleaved in every round), and what the runs
// come to (medians, rates, the ratio to the read limit, peak RSS).
import { median } from '../suite.js';

export const VARIANTS = ['copy-binary', 'partita', 'partita-azurite', 'parquetjs-lite'] as const;
export type Variant = (typeof VARIANTS)[number];

/** The read limit every other variant is compared with. */
export const LIMIT_VARIANT: Variant = 'copy-binary';

export interface Step {
  rows: number;
  /** 1-based. */
  round: number;
  variant: Variant;
}

/** A variant run less than the others: only at sizes up to `maxRows`, and only in the first `rounds` rounds. */
export interface VariantLimit {
  variant: Variant;
  maxRows?: number;
  rounds?: number;
}

export interface PlanOptions {
  /** Table sizes in rows, run in this order. */
  sizes: readonly number[];
  rounds: number;
  variants: readonly Variant[];
  limits?: readonly VariantLimit[];
}

/** Every read of the run: per size, round after round, each round running every variant once, in the same order. */
export function schedule(options: PlanOptions): Step[] {
  const { sizes, rounds, variants, limits = [] } = options;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`schedule: rounds must be a positive integer, got ${rounds}`);
  const steps: Step[] = [];
  for (const rows of sizes) {
    for (let round = 1; round <= rounds; round++) {
      for (const variant of variants) {
        const limit = limits.find((l) => l.variant === variant);
        if (limit && (round > (limit.rounds ?? Infinity) || rows > (limit.maxRows ?? Infinity))) continue;
        steps.push({ rows, round, variant });
      }
    }
  }
  return steps;
}

/** What one read measured, in its own process. */
export interface Measurement {
  rows: number;
  ms: number;
  /** Bytes produced: the Parquet files (or the COPY stream, for the read limit). */
  bytes: number;
  /** The process's resident set before the read (Node and the modules loaded), in MiB. */
  baseRssMb: number;
  /** The process's peak resident set, in MiB. */
  peakRssMb: number;
  /** CPU time of the reading process (every thread) over the read. */
  cpuMs: number;
  /** CPU time of its PostgreSQL backend over the read; null when the server's processes cannot be read (another host). */
  backendCpuMs: number | null;
}

/** CPU ms Azurite spent during a run (it serves every run, so it is read around the run, from outside). */
export interface ServerCpu {
  azuriteCpuMs: number;
}

export interface Summary {
  rows: number;
  variant: Variant;
  runs: number;
  medianMs: number;
  rowsPerS: number;
  /** Source table MiB (pg_table_size) per second: comparable across variants. */
  sourceMbPerS: number;
  /** Median MiB produced. */
  outputMb: number;
  /** Median time / the read limit's median time at the same size; null when the limit did not run. */
  vsLimit: number | null;
  /** The highest peak RSS of the runs, in MiB. */
  peakRssMb: number;
  baseRssMb: number;
  /** Median CPU ms of the reading process, its PostgreSQL backend (null: not readable) and Azurite over a run. */
  cpuMs: { reader: number; postgresql: number | null; azurite: number };
}

const MIB = 2 ** 20;

/** One summary per size and variant that ran, in the order of first appearance. `sourceBytes` by size in rows. */
export function summarise(results: ReadonlyArray<Step & Measurement & ServerCpu>, sourceBytes: ReadonlyMap<number, number>): Summary[] {
  const groups = new Map<string, Array<Step & Measurement & ServerCpu>>();
  for (const r of results) {
    const key = `${r.rows}:${r.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const limitMs = new Map<number, number>();
  for (const runs of groups.values()) {
    if (runs[0]!.variant === LIMIT_VARIANT) limitMs.set(runs[0]!.rows, median(runs.map((r) => r.ms)));
  }
  return [...groups.values()].map((runs) => {
    const { rows, variant } = runs[0]!;
    const bytes = sourceBytes.get(rows);
    if (bytes === undefined) throw new Error(`summarise: no source size for ${rows} rows`);
    const medianMs = median(runs.map((r) => r.ms));
    const limit = limitMs.get(rows);
    return {
      rows,
      variant,
      runs: runs.length,
      medianMs,
      rowsPerS: (rows * 1000) / medianMs,
      sourceMbPerS: (bytes / MIB) * (1000 / medianMs),
      outputMb: median(runs.map((r) => r.bytes)) / MIB,
      vsLimit: limit === undefined ? null : medianMs / limit,
      peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
      baseRssMb: median(runs.map((r) => r.baseRssMb)),
      cpuMs: {
        reader: median(runs.map((r) => r.cpuMs)),
        postgresql: runs.every((r) => r.backendCpuMs !== null) ? median(runs.map((r) => r.backendCpuMs!)) : null,
        azurite: median(runs.map((r) => r.azuriteCpuMs)),
      },
    };
  });
}

/** The time a read measured at `fromRows` would take at `toRows`, at the same rows per second. */
export function extrapolateMs(ms: number, fromRows: number, toRows: number): number {
  if (fromRows <= 0) throw new RangeError(`extrapolateMs: fromRows must be positive, got ${fromRows}`);
  return (ms * toRows) / fromRows;
}
