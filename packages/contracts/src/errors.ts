/**
 * Errors that say whether a retry helps. The API maps `statusCode` below 500 to a client error with its message;
 * workers map `retryable: false` to a partition that fails at once, without further attempts.
 */
export class PartitaError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly retryable: boolean;
  readonly issues: readonly { path: string; message: string }[] | undefined;

  constructor(
    code: string,
    message: string,
    options: { statusCode?: number; retryable?: boolean; cause?: unknown; issues?: readonly { path: string; message: string }[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = options.statusCode ?? 500;
    this.retryable = options.retryable ?? false;
    this.issues = options.issues;
  }
}

/** The request is wrong; sending it again will not help. */
export class ValidationError extends PartitaError {
  constructor(message: string, issues?: readonly { path: string; message: string }[]) {
    super('PARTITA_ERR_VALIDATION', message, { statusCode: 400, issues });
  }
}

export class NotFoundError extends PartitaError {
  constructor(message: string) {
    super('PARTITA_ERR_NOT_FOUND', message, { statusCode: 404 });
  }
}

export class ConflictError extends PartitaError {
  constructor(message: string) {
    super('PARTITA_ERR_CONFLICT', message, { statusCode: 409 });
  }
}

/** Planning a job's input took longer than the master allows (PLAN_TIMEOUT_MS): the same input will again. */
export class PlanTimeoutError extends PartitaError {
  constructor(message: string, issues?: readonly { path: string; message: string }[]) {
    super('PARTITA_ERR_PLAN_TIMEOUT', message, { statusCode: 408, issues });
  }
}

/** The caller is over one of its limits (e.g. queued partitions per token): retry once its work has drained. */
export class LimitExceededError extends PartitaError {
  constructor(message: string, issues?: readonly { path: string; message: string }[]) {
    super('PARTITA_ERR_LIMIT', message, { statusCode: 429, issues });
  }
}

/** The work itself is wrong (bad data, a missing route): another attempt would fail the same way. */
export class PermanentError extends PartitaError {
  constructor(message: string, cause?: unknown) {
    super('PARTITA_ERR_PERMANENT', message, { retryable: false, cause });
  }
}

/** A dependency hiccup (network, a restarted service): another attempt may succeed. */
export class TransientError extends PartitaError {
  constructor(message: string, cause?: unknown) {
    super('PARTITA_ERR_TRANSIENT', message, { retryable: true, cause });
  }
}

/** Anything thrown, as an Error; the original is kept as `cause` when it was not one. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value), { cause: value });
}

/**
 * A field's path as every error names it: dotted keys with `[i]` indices (`source.columns[0]`), from zod's
 * `issue.path` (keys) or from a JSON Pointer such as ajv's and Fastify's `instancePath` (`/source/columns/0`).
 * `empty` names the whole value: `(body)` unless told otherwise.
 */
export function fieldPath(path: readonly PropertyKey[] | string, empty = '(body)'): string {
  const keys = typeof path === 'string' ? pointerKeys(path) : path;
  const text = keys.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  return text || empty;
}

/** A JSON Pointer's keys (`/a/0/b~1c` → `['a', 0, 'b/c']`): all-digit segments are array indices. */
export function pointerKeys(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}
