import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { OUTPUT_COLUMN_TYPES, ValidationError, fieldPath, pointerKeys } from '@partita/contracts';

const ColumnType = z.enum(OUTPUT_COLUMN_TYPES);
type ColumnType = z.infer<typeof ColumnType>;
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** One program as the operator registers it. */
const ProgramEntry = z.strictObject({
  name: z.string().regex(NAME, 'must be lowercase letters, digits and hyphens, starting with a letter'),
  /** The program's own version, shown with it (`GET /kinds`, the page's Kinds view); optional. */
  version: z.string().min(1).max(64).optional(),
  description: z.string().max(500).default(''),
  /** The argv run for every partition, without a shell; relative paths are taken from the programs file's folder. */
  command: z.array(z.string().min(1)).min(1),
  /** JSON Schema of the params a job gives; validated on the master. Default: any object. */
  params: z.record(z.string(), z.unknown()).default({ type: 'object' }),
  /** How the program reads its input: JSON lines (default), CSV, or Parquet (a groupsOf input only). */
  input: z.strictObject({ format: z.enum(['jsonl', 'csv', 'parquet']).default('jsonl') }).default({ format: 'jsonl' }),
  /** Its rows: JSON lines on stdout, and files it leaves in PARTITA_OUTPUT_DIR (.jsonl, .csv, .parquet). */
  output: z.strictObject({
    columns: z.record(z.string(), z.union([ColumnType, z.strictObject({ type: ColumnType, nullable: z.boolean().default(false) })])),
  }),
  /** How long one partition's run may take. Default 3600 s. */
  timeoutSeconds: z
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(3600),
  /** Most bytes a partition's output may have (JSON lines on stdout). Default 1 GiB. */
  maxOutputBytes: z
    .int()
    .min(1)
    .max(2 ** 40)
    .default(2 ** 30),
  /** Names of the worker's environment variables passed on (the rest of the environment is cleared). */
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).default([]),
});
export type ProgramEntry = z.infer<typeof ProgramEntry>;

const ProgramsFile = z.strictObject({ programs: z.array(ProgramEntry) });

/** A registered program, its params checked by its JSON Schema. */
export interface Program extends ProgramEntry {
  /** The folder of the programs file: relative command paths and the working directory's origin. */
  base: string;
  checkParams(params: unknown): void;
}

/** The programs an operator registered (PARTITA_PROGRAMS), by name. */
export class ProgramRegistry {
  constructor(private readonly byName: ReadonlyMap<string, Program>) {}

  get names(): string[] {
    return [...this.byName.keys()];
  }

  /** Every registered program, in the file's order. */
  list(): Program[] {
    return [...this.byName.values()];
  }

  /** The program a spec names, or a 400 naming `program` and the registered ones. */
  require(name: string): Program {
    const program = this.byName.get(name);
    if (program) return program;
    const known = this.names.length > 0 ? `registered are ${this.names.join(', ')}` : 'none is registered (PARTITA_PROGRAMS)';
    const message = `unknown program "${name}": ${known}`;
    throw new ValidationError(`program: ${message}`, [{ path: 'program', message }]);
  }
}

/** A program's declared output columns, as the manifest publishes them. */
export function declaredColumns(program: Pick<ProgramEntry, 'output'>): { name: string; type: ColumnType; nullable: boolean }[] {
  return Object.entries(program.output.columns).map(([name, decl]) =>
    typeof decl === 'string' ? { name, type: decl, nullable: false } : { name, type: decl.type, nullable: decl.nullable },
  );
}

/** Reads and checks a programs file (YAML or JSON); a bad one is an error naming the file and the field. */
export function readPrograms(path: string): ProgramRegistry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`PARTITA_PROGRAMS: cannot read ${path}: ${(err as Error).message}`);
  }
  const parsed = ProgramsFile.safeParse(parseYaml(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`PARTITA_PROGRAMS ${path}: ${fieldPath(issue.path, '(file)')}: ${issue.message}`);
  }
  const base = path.replace(/[^/]*$/, '') || './';
  const ajv = new Ajv({ allErrors: true, strict: false });
  const byName = new Map<string, Program>();
  for (const entry of parsed.data.programs) {
    if (byName.has(entry.name)) throw new Error(`PARTITA_PROGRAMS ${path}: program "${entry.name}" is registered twice`);
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(entry.params);
    } catch (err) {
      throw new Error(`PARTITA_PROGRAMS ${path}: program "${entry.name}": params is not a valid JSON Schema: ${(err as Error).message}`);
    }
    byName.set(entry.name, {
      ...entry,
      base,
      checkParams(params) {
        if (validate(params)) return;
        const issues = (validate.errors ?? []).map((e) => {
          const missing = e.keyword === 'required' ? [(e.params as { missingProperty: string }).missingProperty] : [];
          return { path: fieldPath(['params', ...pointerKeys(e.instancePath), ...missing]), message: e.message ?? 'invalid' };
        });
        throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
      },
    });
  }
  return new ProgramRegistry(byName);
}

let loaded: { path: string; registry: ProgramRegistry } | undefined;

/** The registry of PARTITA_PROGRAMS, read once per process; none registered when it is not set. */
export function programs(env: NodeJS.ProcessEnv = process.env): ProgramRegistry {
  const path = env['PARTITA_PROGRAMS'];
  if (!path) return new ProgramRegistry(new Map());
  if (loaded?.path !== path) loaded = { path, registry: readPrograms(path) };
  return loaded.registry;
}
