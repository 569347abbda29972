import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ValidationError, fieldPath, partitionQueueName } from '@partita/contracts';
import { isKind, type Kind } from '@partita/sdk';

/** The kinds every master and worker serves, loaded through the same path as the modules of PARTITA_KINDS. */
export const BUILTIN_KIND_MODULES: readonly string[] = [
  '@partita/kind-travel-plan',
  '@partita/kind-sql-extract',
  '@partita/kind-noop',
  '@partita/kind-program',
];

/** A kind and the module it came from (what a CPU thread imports to run its `compute`). */
export interface LoadedKind {
  kind: Kind;
  module: string;
}

/** A module of PARTITA_KINDS that cannot be served: the process must not start. */
export class KindLoadError extends Error {
  override readonly name = 'KindLoadError';
}

/** The kinds this process knows, by name: one version of each. */
export class KindRegistry {
  private readonly byName: ReadonlyMap<string, LoadedKind>;

  constructor(loaded: readonly LoadedKind[]) {
    const byName = new Map<string, LoadedKind>();
    for (const entry of loaded) {
      const other = byName.get(entry.kind.name);
      if (other) {
        throw new KindLoadError(
          `kind "${entry.kind.name}" is defined twice: by ${other.module} and by ${entry.module}; kind names must be unique`,
        );
      }
      byName.set(entry.kind.name, entry);
    }
    this.byName = byName;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  list(): LoadedKind[] {
    return [...this.byName.values()];
  }

  get(name: string): Kind | undefined {
    return this.byName.get(name)?.kind;
  }

  moduleOf(name: string): string | undefined {
    return this.byName.get(name)?.module;
  }

  /** The kind of a submitted spec, or a 400 naming `kind` and the kinds this master knows. */
  require(name: unknown): Kind {
    const kind = typeof name === 'string' ? this.get(name) : undefined;
    if (kind) return kind;
    const known = this.names.join(', ');
    const message = typeof name === 'string' ? `unknown kind "${name}": this master knows ${known}` : `required: one of ${known}`;
    throw new ValidationError(`kind: ${message}`, [{ path: 'kind', message }]);
  }

  /**
   * Validates a submitted spec with its kind's schema: the kind's spec, or a 400 naming every bad field. A spec
   * without a known kind is refused before anything else is looked at.
   */
  parseSpec(body: unknown): { kind: Kind; spec: Record<string, unknown> } {
    const kind = this.require((body as { kind?: unknown } | null)?.kind);
    const parsed = kind.specSchema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: fieldPath(i.path), message: i.message }));
      throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
    }
    return { kind, spec: parsed.data as Record<string, unknown> };
  }

  /** Every kind's spec schema, one of which a job's body must match (the OpenAPI document shows them all). */
  specSchemas(): z.ZodType[] {
    return this.list().map((l) => l.kind.specSchema);
  }

  /** The queue of a kind's major version: a rolling deploy never hands an old payload to incompatible code. */
  queueOf(kind: Pick<Kind, 'name' | 'major'>): string {
    return partitionQueueName(kind.name, kind.major);
  }
}

/** PARTITA_KINDS: comma-separated module specifiers or paths (relative ones from the working directory). */
export function parseKindModules(value: string | undefined, cwd = process.cwd()): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s.startsWith('.') || isAbsolute(s) ? pathToFileURL(resolve(cwd, s)).href : s));
}

/** Imports one module and returns the kinds it exports (its default export and any named one). */
export async function importKinds(module: string): Promise<LoadedKind[]> {
  let exported: Record<string, unknown>;
  try {
    exported = (await import(module)) as Record<string, unknown>;
  } catch (err) {
    throw new KindLoadError(`PARTITA_KINDS: cannot import ${module}: ${(err as Error).message}`, { cause: err });
  }
  const kinds = [...new Set(Object.values(exported).filter(isKind))];
  if (kinds.length === 0) {
    throw new KindLoadError(`PARTITA_KINDS: ${module} exports no kind (export default defineKind({...}) from @partita/sdk)`);
  }
  return kinds.map((kind) => ({ kind, module }));
}

/**
 * The built-in kinds and those of `modules`, in that order. A module that fails to import, exports no kind, or
 * repeats a name stops here with an error naming it: a process never serves a partial registry.
 */
export async function loadKinds(modules: readonly string[] = [], options: { builtins?: boolean } = {}): Promise<KindRegistry> {
  const all = [...(options.builtins === false ? [] : BUILTIN_KIND_MODULES), ...modules];
  const loaded: LoadedKind[] = [];
  for (const module of all) loaded.push(...(await importKinds(module)));
  return new KindRegistry(loaded);
}
