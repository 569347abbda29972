import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Category, JobStatus, PipelineName } from '@partita/contracts';
import { COMMANDS, COMMAND_HELP, OVERVIEW, type CommandName } from './help.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const DEFAULT_LIST_LIMIT = 20;

export interface GlobalOptions {
  /** The master's base URL, without a trailing slash. */
  url: string;
  token: string | undefined;
  json: boolean;
}

export type Command =
  | { name: 'help'; topic: CommandName | undefined }
  | { name: 'version' }
  | { name: 'submit'; spec: string; watch: boolean; idempotencyKey: string | undefined }
  | { name: 'watch'; ids: string[] }
  | { name: 'list'; status: JobStatus | undefined; limit: number; cursor: string | undefined }
  | { name: 'show'; id: string }
  | { name: 'cancel'; id: string }
  | { name: 'retry'; id: string }
  | { name: 'datasets'; dataset: string | undefined }
  | { name: 'kinds' }
  | { name: 'pipelines'; action: PipelinesAction };

/** What `partita pipelines SUBCOMMAND` does. */
export type PipelinesAction =
  | { sub: 'apply'; file: string }
  | { sub: 'list' }
  | { sub: 'show'; pipeline: string }
  | { sub: 'run'; pipeline: string; category: string | undefined; watch: boolean }
  | { sub: 'runs'; pipeline: string; runId: string | undefined; limit: number; cursor: string | undefined }
  | { sub: 'cancel'; pipeline: string; runId: string }
  | { sub: 'delete'; pipeline: string };

export const PIPELINES_SUBCOMMANDS = ['apply', 'list', 'show', 'run', 'runs', 'cancel', 'delete'] as const;
type PipelinesSubcommand = (typeof PIPELINES_SUBCOMMANDS)[number];

/** The options each subcommand of `pipelines` takes (COMMAND_OPTIONS.pipelines holds them all). */
const PIPELINES_OPTIONS: Record<PipelinesSubcommand, readonly string[]> = {
  apply: [],
  list: [],
  show: [],
  run: ['category', 'watch'],
  runs: ['limit', 'cursor'],
  cancel: [],
  delete: [],
};

export interface Invocation {
  command: Command;
  options: GlobalOptions;
}

/** The command line is wrong: the message, and the usage text that helps (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    readonly usage: string,
    /** The command whose help would help; undefined for the overview. */
    readonly topic?: CommandName,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies Options;

const COMMAND_OPTIONS = {
  submit: { watch: { type: 'boolean', short: 'w' }, 'idempotency-key': { type: 'string' } },
  watch: {},
  list: { status: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } },
  show: {},
  cancel: {},
  retry: {},
  datasets: {},
  kinds: {},
  pipelines: {
    category: { type: 'string' },
    watch: { type: 'boolean', short: 'w' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
  },
} as const satisfies Record<CommandName, Options>;

const ALL_OPTIONS = Object.assign({}, GLOBAL_OPTIONS, ...Object.values(COMMAND_OPTIONS)) as Options;

function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}

/**
 * Parses `partita [global options] COMMAND [arguments and options]`: global options may stand anywhere, a command's
 * own options only with it. `env` supplies PARTITA_URL and PARTITA_TOKEN.
 */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Invocation {
  // First pass, lenient: find the command, whatever options surround it.
  const first = parseArgs({ args: [...argv], options: ALL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const commandToken = first.tokens.find((t) => t.kind === 'positional');
  const globalsOnly = () => strictParse([...argv], GLOBAL_OPTIONS, OVERVIEW);

  if (!commandToken) {
    const { values } = globalsOnly();
    const options = globalOptions(values, env);
    if (values.version) return { command: { name: 'version' }, options };
    if (values.help) return { command: { name: 'help', topic: undefined }, options };
    throw new UsageError('no command given', OVERVIEW);
  }

  const name = commandToken.value;
  const rest = argv.filter((_, i) => i !== commandToken.index);

  if (name === 'help') {
    const { values, positionals } = strictParse(rest, GLOBAL_OPTIONS, OVERVIEW);
    const topic = positionals[0];
    if (topic !== undefined && !isCommand(topic)) throw new UsageError(`unknown command "${topic}"`, OVERVIEW);
    if (positionals.length > 1) throw new UsageError('help takes at most one command', OVERVIEW);
    return { command: { name: 'help', topic }, options: globalOptions(values, env) };
  }
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}"`, OVERVIEW);

  const usage = COMMAND_HELP[name];
  const { values, positionals } = strictParse(rest, { ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS[name] }, usage, name);
  const options = globalOptions(values, env);
  if (values['help']) return { command: { name: 'help', topic: name }, options };
  if (values['version']) return { command: { name: 'version' }, options };

  const str = (key: string): string | undefined => {
    const v = values[key];
    return typeof v === 'string' ? v : undefined;
  };
  const exactly = (n: number, what: string) => {
    if (positionals.length < n) throw new UsageError(`missing ${what}`, usage, name);
    if (positionals.length > n) throw new UsageError(`unexpected argument "${positionals[n]}"`, usage, name);
  };

  switch (name) {
    case 'submit': {
      exactly(1, 'the spec file (or "-" for stdin)');
      const key = str('idempotency-key');
      if (key !== undefined && (key.length === 0 || key.length > 200))
        throw new UsageError('--idempotency-key must be 1-200 characters', usage, name);
      return { command: { name, spec: positionals[0]!, watch: values['watch'] === true, idempotencyKey: key }, options };
    }
    case 'watch':
      if (positionals.length === 0) throw new UsageError('missing the job id(s)', usage, name);
      return { command: { name, ids: [...new Set(positionals)] }, options };
    case 'list': {
      if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, usage, name);
      const status = str('status');
      if (status !== undefined && !JobStatus.options.includes(status as JobStatus)) {
        throw new UsageError(`--status must be one of ${JobStatus.options.join(', ')}, got "${status}"`, usage, 'list');
      }
      return {
        command: { name, status: status as JobStatus | undefined, limit: parseLimit(str('limit'), usage, name), cursor: str('cursor') },
        options,
      };
    }
    case 'show':
    case 'cancel':
    case 'retry':
      exactly(1, 'the job id');
      return { command: { name, id: positionals[0]! }, options };
    case 'datasets':
      if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`, usage, name);
      return { command: { name, dataset: positionals[0] }, options };
    case 'kinds':
      if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, usage, name);
      return { command: { name }, options };
    case 'pipelines':
      return { command: { name, action: pipelinesAction(positionals, values, usage) }, options };
  }
}

/** `pipelines SUBCOMMAND ...`: the subcommand, its arguments and the options it takes (any other is an error). */
function pipelinesAction(positionals: readonly string[], values: Record<string, unknown>, usage: string): PipelinesAction {
  const fail = (message: string) => new UsageError(message, usage, 'pipelines');
  const [sub, ...args] = positionals;
  if (sub === undefined) throw fail(`missing the subcommand (${PIPELINES_SUBCOMMANDS.join(', ')})`);
  if (!(PIPELINES_SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw fail(`unknown subcommand "${sub}" (one of ${PIPELINES_SUBCOMMANDS.join(', ')})`);
  }
  const subcommand = sub as PipelinesSubcommand;
  const allowed = PIPELINES_OPTIONS[subcommand];
  const stray = Object.keys(COMMAND_OPTIONS.pipelines).find((key) => values[key] !== undefined && !allowed.includes(key));
  if (stray !== undefined) throw fail(`--${stray} is not an option of "pipelines ${subcommand}"`);

  const str = (key: string) => (typeof values[key] === 'string' ? values[key] : undefined);
  const count = (min: number, max: number, what: string) => {
    if (args.length < min) throw fail(`missing ${what}`);
    if (args.length > max) throw fail(`unexpected argument "${args[max]}"`);
  };
  const pipeline = () => {
    const name = args[0]!;
    const checked = PipelineName.safeParse(name);
    if (!checked.success) throw fail(`"${name}" is not a pipeline name: ${checked.error.issues[0]?.message ?? 'invalid'}`);
    return name;
  };

  switch (subcommand) {
    case 'apply':
      count(1, 1, 'the pipelines file (or "-" for stdin)');
      return { sub: subcommand, file: args[0]! };
    case 'list':
      count(0, 0, '');
      return { sub: subcommand };
    case 'show':
    case 'delete':
      count(1, 1, 'the pipeline name');
      return { sub: subcommand, pipeline: pipeline() };
    case 'run': {
      count(1, 1, 'the pipeline name');
      const category = str('category');
      if (category !== undefined && !Category.safeParse(category).success) {
        throw fail(`--category must start with a letter or digit and contain only letters, digits and ._-, got "${category}"`);
      }
      return { sub: subcommand, pipeline: pipeline(), category, watch: values['watch'] === true };
    }
    case 'runs':
      count(1, 2, 'the pipeline name');
      return {
        sub: subcommand,
        pipeline: pipeline(),
        runId: args[1],
        limit: parseLimit(str('limit'), usage, 'pipelines'),
        cursor: str('cursor'),
      };
    case 'cancel':
      count(2, 2, args.length === 0 ? 'the pipeline name' : 'the run id');
      return { sub: subcommand, pipeline: pipeline(), runId: args[1]! };
  }
}

function strictParse(args: string[], options: Options, usage: string, topic?: CommandName) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''), usage, topic);
  }
}

function parseLimit(raw: string | undefined, usage: string, topic: CommandName): number {
  if (raw === undefined) return DEFAULT_LIST_LIMIT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 500) throw new UsageError(`--limit must be an integer from 1 to 500, got "${raw}"`, usage, topic);
  return n;
}

function globalOptions(values: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): GlobalOptions {
  const raw = (typeof values['url'] === 'string' ? values['url'] : undefined) ?? (env['PARTITA_URL'] || DEFAULT_URL);
  const token = (typeof values['token'] === 'string' ? values['token'] : undefined) ?? env['PARTITA_TOKEN'];
  return { url: checkUrl(raw), token: token || undefined, json: values['json'] === true };
}

function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as ${DEFAULT_URL}, got "${raw}"`, OVERVIEW);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http(s) URL such as ${DEFAULT_URL}, got "${raw}"`, OVERVIEW);
  }
  return raw.replace(/\/+$/, '');
}
