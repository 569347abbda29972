import type { Scope } from './tokens.js';

export const QUEUE_BOARD_PREFIX = '/admin/queues';
export const SESSION_PATH = '/auth/session';

export interface AccessPolicy {
  /** `/metrics` answers without a token (METRICS_PUBLIC). */
  metricsPublic: boolean;
}

/**
 * The scope a request needs, or null when it is open. Decided on the route the request matched (Fastify's pattern,
 * e.g. `/jobs/:id`), not on its raw URL, so no spelling of a path (escapes, dot segments) reaches a route under
 * another rule; a request that matches no route (`route` undefined) needs a token like any other, and only then
 * learns that nothing is there.
 *
 * Open, because they carry no data: the probes `/healthz` and `/readyz`; `/metrics` when public; the job page's shell
 * `/` and its assets under `/ui/` (the page asks for a token when the API answers 401); the OpenAPI document and its
 * UI under `/docs`; and `/auth/session`, whose routes check the token themselves. Everything else: `read` for GET and
 * HEAD, `write` for any other method, `admin` for anything under the queue board, which shows messages' data and can
 * retry, promote and remove them.
 */
export function requiredScope(method: string, route: string | undefined, policy: AccessPolicy): Scope | null {
  if (route !== undefined && isOpen(route, policy)) return null;
  if (route !== undefined && (route === QUEUE_BOARD_PREFIX || route.startsWith(`${QUEUE_BOARD_PREFIX}/`))) return 'admin';
  return isSafeMethod(method) ? 'read' : 'write';
}

/** GET and HEAD read; every other method may change something. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

function isOpen(route: string, policy: AccessPolicy): boolean {
  if (route === '/healthz' || route === '/readyz' || route === '/' || route === SESSION_PATH) return true;
  if (route === '/metrics') return policy.metricsPublic;
  return route.startsWith('/ui/') || route === '/docs' || route.startsWith('/docs/');
}
