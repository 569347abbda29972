import { z } from 'zod';
import { DatasetSpec, MAX_PARTITIONS, OutputSpec, PartitionerName, RetrySpec, type ManifestColumn } from '@partita/contracts';
import { toOutputColumns, type ColumnsDecl, type RowOf } from './columns.js';
import type { RunContext, RunResult } from './context.js';
import type { Input } from './input.js';
import type { Offerings } from './offerings.js';

/** A kind's name: what `kind` says in a job's spec, in queue names and metric labels. */
export const KIND_NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** A kind's version: semantic versioning, `major.minor.patch`. The major picks the queue. */
export const KIND_VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:[-+][0-9A-Za-z.+-]*)?$/;

/** The fields Partita adds to every kind's spec, unless the kind declares them itself. */
export interface Envelope {
  kind: string;
  output: { container: string; prefix?: string | undefined };
  dataset?: { name: string; description: string; tags: Record<string, string> } | undefined;
  retry: { attempts: number; backoffMs: number };
  /** Partitions (queue messages); never more than the units. Absent for inputs that make their own partitions. */
  partitions?: number;
  partitioner?: 'hash' | 'round-robin' | 'cost-aware';
}

/** The envelope's schema: the same for every kind. */
function envelopeShape(fixed: boolean) {
  return {
    output: OutputSpec.default({ container: 'results' }),
    dataset: DatasetSpec.optional(),
    retry: RetrySpec.default({ attempts: 3, backoffMs: 1000 }),
    /**
     * At most this many of the job's partitions running at once across all workers (a database that takes only so
     * many readers, say); the others wait, off the queue, until one ends. Default: no cap.
     */
    maxConcurrency: z.int().min(1).max(MAX_PARTITIONS).optional(),
    ...(fixed
      ? {}
      : {
          /** Number of partitions (queue messages). Default 16; never more than the units. */
          partitions: z.int().min(1).max(MAX_PARTITIONS).default(16),
          /** How units are dealt to partitions. Default `cost-aware` (longest processing time first). */
          partitioner: PartitionerName.default('cost-aware'),
        }),
  };
}

/** One partition as `run` sees it: where it belongs, the job's spec, and its units as the input opened them. */
export type Partition<S, P> = { jobId: string; index: number; spec: S } & P;

/** A kind's output: declared columns (typed rows for `ctx.write`), or columns known only once planned. */
export type OutputDecl<S, C extends ColumnsDecl> =
  { columns: C } | { columns: (spec: S, details: Record<string, unknown> | null) => ManifestColumn[] };

/** What `defineKind` takes. */
export interface KindConfig<Name extends string, Shape extends z.ZodRawShape, P, C extends ColumnsDecl, Task, Result> {
  /** What `kind` says in a job's spec: lowercase letters, digits and hyphens. */
  name: Name;
  /** `major.minor.patch`: partitions go to a queue per kind and major, so an incompatible change takes a new major. */
  version: string;
  /** One line for `GET /kinds` and the CLI. */
  description?: string;
  /** The kind's own fields; Partita adds `kind`, `output`, `dataset`, `retry` (and `partitions`, `partitioner`). */
  spec: z.ZodObject<Shape>;
  /** Where the units come from (range, list, grid, or custom), planned on the master. */
  input: Input<KindSpec<Name, Shape>, P>;
  /** The Parquet columns of its output; none: the kind writes no files. */
  output?: OutputDecl<KindSpec<Name, Shape>, C>;
  /** What its progress counts, plural: `groups`, `rows`, `simulations`. Default `items`. */
  units?: string;
  /** Synchronous CPU-heavy work, reached through `ctx.compute(task)`. Must be serialisable in and out. */
  compute?: (task: Task) => Result;
  /** Runs `compute` on the worker's CPU threads, off the event loop (one per concurrent partition). Default false. */
  cpu?: boolean;
  /**
   * Small tasks the worker runs through `compute` on each CPU thread when it starts, before it takes partitions: the
   * code is loaded and compiled then, so that a worker's first partition runs as fast as the others.
   */
  warmUp?: () => readonly Task[];
  /** One partition: read its units, write rows, report progress. Throw PermanentError when a retry cannot help. */
  run(this: void, partition: Partition<KindSpec<Name, Shape>, P>, ctx: RunContext<RowOf<C>, Task, Result>): Promise<void | RunResult>;
  /** Extra fields of the job's status, from what planning recorded and the partitions' views. */
  view?: (
    details: Record<string, unknown>,
    partitions: readonly { index: number; ownSnapshot: boolean | null }[],
  ) => Record<string, unknown>;
  /**
   * What the kind offers beyond its spec schema, for `GET /kinds` and the page's Kinds view: named variants a job
   * picks by a spec field (the `program` kind's registered programs), each with its params' JSON Schema. Called on
   * every `GET /kinds`; never return secrets or environment values.
   */
  offerings?: () => Offerings;
  /** Extra fields of the job's manifest (where the data came from, say). */
  manifest?: (job: {
    spec: KindSpec<Name, Shape>;
    details: Record<string, unknown> | null;
    rowsWritten: number;
    partitions: readonly { index: number; ownSnapshot: boolean | null }[];
  }) => Record<string, unknown>;
}

/** A spec as the kind's code sees it: its own fields and the envelope. */
export type KindSpec<Name extends string, Shape extends z.ZodRawShape> = Omit<Envelope, 'kind'> & { kind: Name } & z.infer<
    z.ZodObject<Shape>
  >;

/* eslint-disable @typescript-eslint/no-explicit-any -- `Kind` with no arguments is any kind: its spec, units and rows are
   contravariant in its functions, so only `any` lets kinds of every spec be held (and loaded) as one type. */
/** A defined kind: its configuration and what Partita derives from it. */
export interface Kind<S = any, P = any> {
  readonly name: string;
  readonly version: string;
  readonly major: number;
  readonly description: string;
  readonly units: string;
  /** The whole spec of a job of this kind: envelope and the kind's fields, strict. */
  readonly specSchema: z.ZodType<S>;
  readonly input: Input<S, P>;
  /** Declared output columns, or null when they depend on the plan (or there is no output: see `writesFiles`). */
  readonly columns: readonly ManifestColumn[] | null;
  readonly columnsOf: (spec: S, details: Record<string, unknown> | null) => ManifestColumn[];
  readonly cpu: boolean;
  readonly compute: ((task: unknown) => unknown) | undefined;
  readonly warmUp: (() => readonly unknown[]) | undefined;
  readonly run: (partition: Partition<S, P>, ctx: RunContext<any, any, any>) => Promise<void | RunResult>;
  readonly view: KindConfig<string, any, P, any, any, any>['view'];
  readonly manifest: KindConfig<string, any, P, any, any, any>['manifest'];
  readonly offerings: (() => Offerings) | undefined;
  /** Marks a kind object, so a loader can tell it from anything else a module exports. */
  readonly [KIND_MARK]: true;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const KIND_MARK = Symbol.for('partita.kind');

/** Whether `value` is a kind made by `defineKind` (of any copy of this package). */
export function isKind(value: unknown): value is Kind {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[KIND_MARK] === true;
}

/**
 * Defines a kind. Checks the definition at once, so a module with a bad kind fails when it is loaded, not when a job
 * first reaches it.
 */
export function defineKind<
  Name extends string,
  Shape extends z.ZodRawShape,
  P,
  C extends ColumnsDecl = ColumnsDecl,
  Task = never,
  Result = never,
>(config: KindConfig<Name, Shape, P, C, Task, Result>): Kind<KindSpec<Name, Shape>, P> {
  const where = `kind "${config.name}"`;
  if (!KIND_NAME.test(config.name))
    throw new TypeError(`${where}: name must be lowercase letters, digits and hyphens, starting with a letter`);
  const version = KIND_VERSION.exec(config.version);
  if (!version) throw new TypeError(`${where}: version "${config.version}" is not major.minor.patch`);
  if (config.cpu && !config.compute) throw new TypeError(`${where}: cpu: true needs a compute function`);
  if (typeof config.run !== 'function') throw new TypeError(`${where}: run must be a function`);
  if (config.offerings !== undefined && typeof config.offerings !== 'function')
    throw new TypeError(`${where}: offerings must be a function`);
  const shape = config.spec.shape as z.ZodRawShape;
  if ('kind' in shape) throw new TypeError(`${where}: the spec must not declare "kind": Partita adds it`);
  const specSchema = z.strictObject({ kind: z.literal(config.name), ...envelopeShape(config.input.fixed), ...shape });
  const declared = config.output?.columns;
  const columns = declared === undefined ? [] : typeof declared === 'function' ? null : toOutputColumns(declared);
  const columnsOf =
    typeof declared === 'function'
      ? (declared as (s: unknown, d: Record<string, unknown> | null) => ManifestColumn[])
      : () => columns ?? [];
  return {
    name: config.name,
    version: config.version,
    major: Number(version[1]),
    description: config.description ?? '',
    units: config.units ?? 'items',
    specSchema: specSchema as unknown as z.ZodType<KindSpec<Name, Shape>>,
    input: config.input,
    columns,
    columnsOf,
    cpu: config.cpu ?? false,
    compute: config.compute as ((task: unknown) => unknown) | undefined,
    warmUp: config.warmUp,
    run: config.run as Kind<KindSpec<Name, Shape>, P>['run'],
    view: config.view,
    manifest: config.manifest as Kind['manifest'],
    offerings: config.offerings,
    [KIND_MARK]: true,
  };
}
