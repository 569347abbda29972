import type { FastifyInstance } from 'fastify';

/** The job page at `/`: plain HTML and JS from `apps/master/public`, reading the REST API. */
export function pageRoutes() {
  return async function routes(_app: FastifyInstance): Promise<void> {};
}
