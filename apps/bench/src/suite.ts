// What every benchmark suite is given and what it gives back: main.ts runs the suites, report.ts writes the results.
import { median as medianOrNull } from '@partita/contracts';
import type { BenchStack, BenchStackOptions } from './stack.js';

export interface BenchContext {
  /** `--quick`: small sizes and fewer rounds, the whole run in under two minutes. */
  quick: boolean;
  /** `--workers N`: the largest worker count the scaling and balance suites use (they also run 1). Default 2. */
  workers: number;
  /** `--repeat R`: rounds of every side-by-side comparison; medians are reported. */
  repeat: number;
  databaseUrl: string;
  redisUrl: string;
  /** The run's Azurite. */
  azureConnectionString: string;
  /** A line of progress on stdout. */
  log(line: string): void;
  /** A master and `workers` worker processes on their own catalog schema, queue prefix and container. */
  startStack(options: BenchStackOptions): Promise<BenchStack>;
}

/** One figure of a suite, with the target it is held to (if any). */
export interface Figure {
  /** Stable identifier, e.g. `scaling.efficiency.2`. */
  id: string;
  label: string;
  value: number;
  unit: string;
  target?: { op: '>=' | '<='; value: number };
}

export interface SuiteResult {
  /** A Markdown table (header row first) of the side-by-side measurements. */
  table: string[][];
  figures: Figure[];
  /** Workload, method and anything a reader needs to read the table. */
  notes: string[];
  /** Raw measurements for latest.json (per round, per variant). */
  raw?: unknown;
}

export interface Suite {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<SuiteResult>;
  /** Work run in a child process of its own (see child.ts); its JSON-serialisable result goes back to `run`. */
  child?(arg: string): Promise<unknown>;
}

/** Whether a figure meets its target; undefined when it has none. */
export function met(figure: Figure): boolean | undefined {
  if (!figure.target) return undefined;
  return figure.target.op === '>=' ? figure.value >= figure.target.value : figure.value <= figure.target.value;
}

/** The median of measurements that must exist (a round that measured nothing is a bug). */
export function median(xs: readonly number[]): number {
  const m = medianOrNull(xs);
  if (m === null) throw new RangeError('median of nothing');
  return m;
}

/** Rounds for display: 3 significant digits below 100, integers above. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en');
  return Number(x.toPrecision(digits)).toString();
}
