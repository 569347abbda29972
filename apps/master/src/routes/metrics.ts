import type { FastifyInstance } from 'fastify';
import type { Registry } from '@partita/telemetry';

/** `/metrics`: the Prometheus exposition of the master's metrics (see @partita/telemetry's metrics module). */
export function metricsRoutes(registry: Registry) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  };
}
