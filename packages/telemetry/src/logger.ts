import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** Service name on every line (`master`, `worker`). */
  name: string;
  /** pino level. Default `info`. */
  level?: string;
  /** Human-readable output. Default: only when stdout is a terminal. */
  pretty?: boolean;
  /** Fields on every line, e.g. `{ workerId }`. */
  base?: Record<string, unknown>;
  /** Where JSON lines go instead of stdout (tests capture them). Never pretty. */
  destination?: DestinationStream;
}

/** Structured JSON logs, object first (`log.info({ jobId, partition }, 'msg')`); pretty only on a TTY. */
export function createLogger(options: LoggerOptions): Logger {
  const settings = { name: options.name, level: options.level ?? 'info', base: { pid: process.pid, ...options.base } };
  if (options.destination) return pino(settings, options.destination);
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  return pino({
    ...settings,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } } : {}),
  });
}
