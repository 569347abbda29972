import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, KindList } from '@partita/contracts';
import type { Catalog } from '@partita/catalog';
import type { KindRegistry } from '@partita/kinds';
import { kindViews } from '../kinds/views.js';

/** `GET /kinds`: what this master can run, each kind's spec schema, output and live workers. */
export function kindRoutes(deps: { kinds: KindRegistry; catalog: Catalog }) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.withTypeProvider<ZodTypeProvider>().get('/kinds', {
      schema: {
        summary: 'The kinds this master serves: version, spec schema, input, output columns and live workers',
        response: { 200: KindList, 503: ApiError },
      },
      handler: async () => ({ items: await kindViews(deps.kinds, deps.catalog) }),
    });
  };
}
