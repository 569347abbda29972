import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { PartitaError, fieldPath, pointerKeys, type ApiError } from '@partita/contracts';

type Issue = { path: string; message: string };

/** `/partitions` and a context of `body` → `partitions`; `/limit` of the `querystring` → `querystring.limit`. */
function issuePath(context: string | undefined, instancePath: string): string {
  return context && context !== 'body' ? fieldPath([context, ...pointerKeys(instancePath)]) : fieldPath(instancePath);
}

function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    408: 'Request Timeout',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    503: 'Service Unavailable',
  };
  return phrases[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

/**
 * One error handler for the API: client errors (4xx) say which field is wrong and why; server errors say only
 * that something failed (details go to the log, never to the client), and whether retrying may help (503).
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let body: ApiError;
    if (hasZodFastifySchemaValidationErrors(err)) {
      // Typed here: the provider's own type of a validation error names a module it cannot resolve.
      const issues: Issue[] = err.validation.map((v: { instancePath: string; message?: string }) => ({
        path: issuePath(err.validationContext, v.instancePath),
        message: v.message ?? 'invalid',
      }));
      body = {
        statusCode: 400,
        code: 'PARTITA_ERR_VALIDATION',
        error: 'Bad Request',
        message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        issues,
      };
    } else if (err instanceof PartitaError && err.statusCode < 500) {
      body = {
        statusCode: err.statusCode,
        code: err.code,
        error: reasonPhrase(err.statusCode),
        message: err.message,
        ...(err.issues ? { issues: [...err.issues] } : {}),
      };
    } else if (err instanceof PartitaError && err.retryable) {
      request.log.warn({ err }, 'dependency unavailable');
      body = { statusCode: 503, code: err.code, error: reasonPhrase(503), message: err.message };
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, body too large, unsupported media type.
      body = {
        statusCode: err.statusCode,
        code: err.code ?? 'PARTITA_ERR_REQUEST',
        error: reasonPhrase(err.statusCode),
        message: err.message,
      };
    } else {
      request.log.error({ err }, 'request failed');
      body = { statusCode: 500, code: 'PARTITA_ERR_INTERNAL', error: reasonPhrase(500), message: 'Internal Server Error' };
    }
    return reply.code(body.statusCode).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      statusCode: 404,
      code: 'PARTITA_ERR_NOT_FOUND',
      error: 'Not Found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    } satisfies ApiError),
  );
}
