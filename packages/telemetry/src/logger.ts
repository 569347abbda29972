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

/** Query parameters of the API that are logged; every other one is replaced, name and value. */
const LOGGED_PARAMETERS = new Set(['limit', 'status', 'cursor', 'category']);

/**
 * A request URL as a log line shows it: query parameters other than the API's own paging and filters replaced by
 * `[redacted]`, so that a token a client put in the query string (`?token=…`, `?access_token=…`, under any name, or as
 * a name) never reaches a log.
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq > 0 && LOGGED_PARAMETERS.has(pair.slice(0, eq)) ? pair : '[redacted]';
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** An HTTP request as log lines show it (Fastify's request lines): method, URL without secrets, remote address. */
function requestSerializer(req: { method?: string; url?: string; ip?: string; socket?: { remotePort?: number } }): object {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : loggableUrl(req.url),
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** Structured JSON logs, object first (`log.info({ jobId, partition }, 'msg')`); pretty only on a TTY. */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? 'info',
    base: { pid: process.pid, ...options.base },
    serializers: { req: requestSerializer },
  };
  if (options.destination) return pino(settings, options.destination);
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  return pino({
    ...settings,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } } : {}),
  });
}
