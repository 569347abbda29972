import { PermanentError, ValidationError } from '@partita/contracts';
import { fromRanges, toRanges } from '@partita/partition';
import { z } from 'zod';
import { overLimit } from './limits.js';
import type { InputPlan, OpenContext, PlanContext, PlanUnit } from './context.js';

/**
 * Where a kind's units come from. Planned on the master (each unit with an estimated cost, then packed into
 * partitions by the job's partitioner), opened on the worker (the partition's units as `run` sees them).
 */
export interface Input<S, P> {
  readonly type: string;
  /**
   * Whether the planner makes the partitions itself, one per unit in order (an extract's balanced chunks): the job's
   * spec then has no `partitions` or `partitioner`.
   */
  readonly fixed: boolean;
  plan(spec: S, ctx: PlanContext): Promise<InputPlan> | InputPlan;
  /** The partition's units, from what `plan(...).encode` put in its queue message. */
  open(ref: unknown, spec: S, ctx: OpenContext): Promise<P> | P;
}

/** The partition's items, as `range`, `list` and `grid` give them to `run`. */
export interface Items<T> {
  items: T[];
}

/** A partition's units as index ranges in its queue message: `{ ranges: [[0, 99], [250, 260]] }`. */
const IndexRanges = z.strictObject({ ranges: z.array(z.tuple([z.int().min(0), z.int().min(0)])).min(1) });

/** Units `0..count-1`, any more than the master's limit refused naming `path`. */
function checkUnits(count: number, ctx: PlanContext, path: string): void {
  if (count > ctx.limits.units) {
    throw overLimit(path, `${count.toLocaleString('en-US')} units`, {
      value: ctx.limits.units,
      noun: 'units',
      setting: 'MAX_GROUPS_PER_JOB',
    });
  }
  if (count === 0) throw new ValidationError(`${path}: no units to run`, [{ path, message: 'no units to run' }]);
}

/** An input of `count` indexed units whose values the worker derives again from the spec. */
function indexed<S, T>(
  type: string,
  path: string,
  count: (spec: S) => number,
  itemAt: (spec: S) => (index: number) => T,
  cost?: (item: T, index: number, spec: S) => number,
): Input<S, Items<T>> {
  return {
    type,
    fixed: false,
    plan(spec, ctx) {
      const n = count(spec);
      checkUnits(n, ctx, path);
      const at = itemAt(spec);
      const units: PlanUnit[] = new Array<PlanUnit>(n);
      for (let i = 0; i < n; i++) units[i] = { key: String(i), cost: cost ? Math.max(0, cost(at(i), i, spec)) : 1 };
      return { units, encode: (indices) => ({ ranges: toRanges(indices) }) };
    },
    open(ref, spec) {
      const parsed = IndexRanges.safeParse(ref);
      if (!parsed.success) throw new PermanentError(`partition message: units ${parsed.error.issues[0]?.message ?? 'malformed'}`);
      const n = count(spec);
      const at = itemAt(spec);
      return {
        items: fromRanges(parsed.data.ranges).map((i) => {
          if (i >= n) throw new PermanentError(`unit ${i} is outside the job's ${n} units`);
          return at(i);
        }),
      };
    },
  };
}

/**
 * The integers `0..count-1` (seeds, simulation indices): `range((spec) => spec.simulations)`. Each partition gets
 * its share as `items`.
 */
export function range<S>(count: (spec: S) => number, options: { cost?: (i: number, spec: S) => number; path?: string } = {}) {
  return indexed<S, number>(
    'range',
    options.path ?? 'input',
    count,
    () => (i) => i,
    options.cost && ((_, i, spec) => options.cost!(i, spec)),
  );
}

/** Items listed in the spec itself, e.g. `list((spec) => spec.customers)`; each partition gets its share as `items`. */
export function list<S, T>(items: (spec: S) => readonly T[], options: { cost?: (item: T, spec: S) => number; path?: string } = {}) {
  return indexed<S, T>(
    'list',
    options.path ?? 'input',
    (spec) => items(spec).length,
    (spec) => {
      const all = items(spec);
      return (i) => all[i]!;
    },
    options.cost && ((item, _, spec) => options.cost!(item, spec)),
  );
}

/** One parameter set of a grid: a value of each parameter. */
export type GridPoint<G extends Record<string, readonly unknown[]>> = { [K in keyof G]: G[K][number] };

/**
 * A parameter sweep: the cartesian product of parameter lists, e.g.
 * `grid((spec) => ({ rate: spec.rates, horizon: spec.horizons }))`. Each partition gets its parameter sets as `items`;
 * the last parameter varies fastest.
 */
export function grid<S, G extends Record<string, readonly unknown[]>>(
  params: (spec: S) => G,
  options: { cost?: (point: GridPoint<G>, spec: S) => number; path?: string } = {},
) {
  const sizeOf = (g: G) => Object.values(g).reduce((a, values) => a * values.length, 1);
  return indexed<S, GridPoint<G>>(
    'grid',
    options.path ?? 'input',
    (spec) => sizeOf(params(spec)),
    (spec) => {
      const g = params(spec);
      const names = Object.keys(g);
      return (index) => {
        const point: Record<string, unknown> = {};
        let rest = index;
        for (let k = names.length - 1; k >= 0; k--) {
          const values = g[names[k]!]!;
          point[names[k]!] = values[rest % values.length];
          rest = Math.floor(rest / values.length);
        }
        // Keys in declaration order, whatever the order they were computed in.
        return Object.fromEntries(names.map((name) => [name, point[name]])) as GridPoint<G>;
      };
    },
    options.cost && ((point, _, spec) => options.cost!(point, spec)),
  );
}

/** An input of the kind's own making: its own planning and its own way of opening a partition's units. */
export function custom<S, P>(definition: {
  type?: string;
  fixed?: boolean;
  plan(this: void, spec: S, ctx: PlanContext): Promise<InputPlan> | InputPlan;
  open(this: void, ref: unknown, spec: S, ctx: OpenContext): Promise<P> | P;
}): Input<S, P> {
  return { type: definition.type ?? 'custom', fixed: definition.fixed ?? false, plan: definition.plan, open: definition.open };
}
