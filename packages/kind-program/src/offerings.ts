import type { Offering, OfferingFact, Offerings } from '@partita/sdk';
import { declaredColumns, type Program, type ProgramRegistry } from './registry.js';

/** Interpreters by the name of their executable: the language a program is written in. */
const INTERPRETERS: readonly [RegExp, string][] = [
  [/^python(\d+(\.\d+)*)?$/, 'Python'],
  [/^(node|nodejs|deno|bun)$/, 'JavaScript'],
  [/^(R|Rscript)$/, 'R'],
  [/^julia$/, 'Julia'],
  [/^(sh|bash|dash|zsh)$/, 'shell'],
  [/^ruby$/, 'Ruby'],
  [/^perl$/, 'Perl'],
  [/^java$/, 'Java'],
];

/** Languages by a script's (or executable's) extension. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  py: 'Python',
  js: 'JavaScript',
  mjs: 'JavaScript',
  cjs: 'JavaScript',
  r: 'R',
  jl: 'Julia',
  sh: 'shell',
  rb: 'Ruby',
  pl: 'Perl',
  jar: 'Java',
};

const FORMATS = { jsonl: 'JSON lines', csv: 'CSV', parquet: 'Parquet' } as const;

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const extensionLanguage = (name: string): string | undefined => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? EXTENSIONS[name.slice(dot + 1).toLowerCase()] : undefined;
};

/**
 * What a program runs, safe to show anyone who may read `GET /kinds`: its language, the executable's and the
 * script's file names (no folders), and how many further arguments it takes, never their text (an operator may put a
 * secret in one).
 */
export function commandSummary(command: readonly string[]): string {
  const executable = baseName(command[0] ?? '');
  const interpreted = INTERPRETERS.find(([pattern]) => pattern.test(executable))?.[1];
  const next = command[1];
  const script = interpreted !== undefined && next !== undefined && !next.startsWith('-') ? baseName(next) : undefined;
  const language = interpreted ?? extensionLanguage(executable) ?? 'executable';
  const rest = command.length - 1 - (script === undefined ? 0 : 1);
  const more = rest > 0 ? ` (+${rest} argument${rest === 1 ? '' : 's'})` : '';
  return `${language} · ${executable}${script === undefined ? '' : ` ${script}`}${more}`;
}

/** Bytes in the largest binary unit that divides them exactly: `1 GiB`, `4 KiB`, `1000 bytes`. */
function bytes(n: number): string {
  const units = ['GiB', 'MiB', 'KiB'] as const;
  for (const [i, unit] of units.entries()) {
    const size = 2 ** (10 * (units.length - i));
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}

/** One program as `GET /kinds` shows it: what a user needs to write a job for it, and nothing an operator keeps. */
export function programOffering(program: Program): Offering {
  const facts: OfferingFact[] = [
    { label: 'runs', value: commandSummary(program.command) },
    { label: 'input', value: FORMATS[program.input.format] },
    { label: 'timeout', value: `${program.timeoutSeconds} s per partition` },
    { label: 'output limit', value: `${bytes(program.maxOutputBytes)} per partition` },
    // Names only: the values are the workers' own.
    { label: 'environment', value: program.env.length > 0 ? program.env.join(', ') : 'none (cleared)' },
  ];
  return {
    name: program.name,
    ...(program.version !== undefined ? { version: program.version } : {}),
    ...(program.description ? { description: program.description } : {}),
    facts,
    params: program.params,
    columns: declaredColumns(program),
  };
}

/** The `program` kind's offerings: the programs of this process's registry (PARTITA_PROGRAMS), picked by `program`. */
export function programOfferings(registry: ProgramRegistry): Offerings {
  return { noun: 'programs', field: 'program', items: registry.list().map(programOffering) };
}
