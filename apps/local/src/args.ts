import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export interface LocalArgs {
  /** Submit the demo job, show its progress and timings, then stop. */
  demo: boolean;
  /** Worker processes. Default: one per core. */
  workers: number;
  /** Master port. Default 8080 (a free one if 8080 is taken). */
  port: number | undefined;
  /** Groups of the demo job. Default 2000. */
  groups: number;
}

const USAGE = `usage: partita-local [--demo] [--workers N] [--port P] [--groups G]
  Starts Azurite, the master and N workers on this machine against the local Redis and PostgreSQL.
  --demo      submit the demo travel-plan job, show its progress and timings, then stop
  --workers   worker processes (default: one per core)
  --port      master port (default 8080, or a free port when 8080 is taken)
  --groups    groups in the demo job (default 2000)`;

export function parseLocalArgs(argv: string[]): LocalArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      demo: { type: 'boolean', default: false },
      workers: { type: 'string' },
      port: { type: 'string' },
      groups: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, raw: string | undefined, fallback: number | undefined, min: number): number | undefined => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"\n${USAGE}`);
    return n;
  };
  return {
    demo: values.demo,
    workers: int('workers', values.workers, availableParallelism(), 1) as number,
    port: int('port', values.port, undefined, 0),
    groups: int('groups', values.groups, 2000, 1) as number,
  };
}
