import { PermanentError, ValidationError } from '@partita/contracts';
import { custom, defineKind, grid, groupsOf, list, range, z, type Groups, type Input, type Items } from '@partita/sdk';
import type { InputColumn } from './encoding.js';
import type { ProgramInput } from './input-files.js';
import { programOfferings } from './offerings.js';
import { declaredColumns, programs, type Program } from './registry.js';
import { runProgram } from './run-program.js';

// The programs file is read when the kind is loaded, at the process's start: a bad file stops it there, named.
programs();

/** Where a program's units come from: any of the SDK's inputs, named in the spec. */
const ProgramInput = z.union([
  z.strictObject({ range: z.int().min(1).max(10_000_000) }),
  z.strictObject({ list: z.array(z.unknown()).min(1).max(100_000) }),
  z.strictObject({ grid: z.record(z.string().min(1).max(63), z.array(z.unknown()).min(1).max(10_000)) }),
  z.strictObject({
    groupsOf: z.strictObject({
      table: z.string().min(1).max(300),
      where: z.string().max(10_000).optional(),
      by: z.array(z.string().min(1).max(63)).min(1).max(16),
      maxGroupRows: z.int().min(1).optional(),
    }),
  }),
]);

const Spec = z.object({
  /** A program registered by the operator (PARTITA_PROGRAMS): never a command. */
  program: z.string().min(1).max(63),
  /** Checked against the program's JSON Schema. */
  params: z.record(z.string(), z.unknown()).default({}),
  input: ProgramInput,
});
type Spec = z.infer<typeof Spec>;

const inputs = {
  range: range((spec: Spec) => ('range' in spec.input ? spec.input.range : 0), { path: 'input.range' }),
  list: list((spec: Spec) => ('list' in spec.input ? spec.input.list : []), { path: 'input.list' }),
  grid: grid((spec: Spec) => ('grid' in spec.input ? spec.input.grid : {}), { path: 'input.grid' }),
  groupsOf: groupsOf({
    source: (spec: Spec) => {
      const g = 'groupsOf' in spec.input ? spec.input.groupsOf : null;
      return { table: g?.table ?? '', ...(g?.where !== undefined ? { where: g.where } : {}) };
    },
    by: (spec: Spec) => ('groupsOf' in spec.input ? spec.input.groupsOf.by : []),
    maxGroupRows: (spec: Spec) => ('groupsOf' in spec.input ? (spec.input.groupsOf.maxGroupRows ?? 1_000_000) : 1_000_000),
    path: 'input.groupsOf',
    // Programs read timestamps with their microseconds.
    timestamps: 'micros',
  }),
};
type InputName = keyof typeof inputs;
const inputOf = (spec: Spec): Input<Spec, Items<unknown> | Groups> => inputs[Object.keys(spec.input)[0] as InputName];

/** The planned columns of a `groupsOf` input (name, Parquet type and its details), or null for items. */
function inputColumns(details: Record<string, unknown> | null): InputColumn[] | null {
  type Planned = { name: string; parquet: string; nullable: boolean; precision?: number; scale?: number; adjustedToUTC?: boolean };
  const groups = details?.['groups'] as { columns?: Planned[] } | undefined;
  return (
    groups?.columns?.map(({ name, parquet, nullable, precision, scale, adjustedToUTC }) => ({
      name,
      type: parquet,
      nullable,
      ...(precision !== undefined ? { precision } : {}),
      ...(scale !== undefined ? { scale } : {}),
      ...(adjustedToUTC !== undefined ? { adjustedToUTC } : {}),
    })) ?? null
  );
}

/** A program known to this process, or a permanent failure (a worker without the master's PARTITA_PROGRAMS). */
function programOf(spec: Spec): Program {
  try {
    return programs().require(spec.program);
  } catch (err) {
    throw new PermanentError(`program ${spec.program} is not registered on this worker (PARTITA_PROGRAMS)`, err);
  }
}

/**
 * A program registered by the operator (a Python script with pandas, any executable) runs once per partition on
 * the partition's units: items of a range, a list or a parameter grid, or the rows of whole groups of a table. Its
 * JSON lines become the partition's Parquet rows, with the program's declared columns.
 */
export default defineKind({
  name: 'program',
  version: '1.0.0',
  description: 'Run a registered program (any language) once per partition on its share of the input',
  units: 'units',
  spec: Spec,
  input: custom({
    type: 'program',
    plan: async (spec: Spec, ctx) => {
      const program = programs().require(spec.program);
      program.checkParams(spec.params);
      if (program.input.format === 'parquet' && !('groupsOf' in spec.input)) {
        const message = `program ${program.name} reads Parquet: its input must be groupsOf (a table's typed columns)`;
        throw new ValidationError(`input: ${message}`, [{ path: 'input', message }]);
      }
      return inputOf(spec).plan(spec, ctx);
    },
    open: (ref, spec: Spec, ctx) => inputOf(spec).open(ref, spec, ctx),
  }),
  output: { columns: (spec) => declaredColumns(programOf(spec as Spec)) },
  // The programs of this process's registry: on the master, what GET /kinds and the page's Kinds view show.
  offerings: () => programOfferings(programs()),
  run: async (partition, ctx) => {
    const spec = partition.spec as Spec;
    const program = programOf(spec);
    const units = partition as unknown as Partial<Items<unknown> & Groups>;
    const columns = inputColumns(ctx.details);
    const input: ProgramInput = units.groups
      ? {
          type: 'groups',
          columns: columns ?? [],
          rows: (async function* () {
            for await (const group of units.groups!) for (const row of group.rows) yield { key: group.key, row };
          })(),
        }
      : { type: 'items', items: units.items ?? [] };
    await runProgram({
      program,
      columns: declaredColumns(program),
      context: {
        jobId: ctx.jobId,
        partition: ctx.index,
        attempt: ctx.attempt,
        program: program.name,
        params: spec.params,
        units: units.items ?? { groups: units.groupCount ?? 0 },
        // The input's format, columns and types, so that a program can read decimals, 64-bit integers and times exactly.
        inputFormat: program.input.format,
        groupBy: (ctx.details?.['groups'] as { by?: string[] } | undefined)?.by ?? null,
        columns: columns?.map(({ name, type }) => ({ name, type })) ?? null,
      },
      input,
      env: { jobId: ctx.jobId, partition: ctx.index, attempt: ctx.attempt },
      signal: ctx.signal,
      write: (row) => ctx.write(row as never),
      progress: (done) => ctx.progress(done),
    });
  },
});

export { programs, readPrograms, type Program } from './registry.js';
