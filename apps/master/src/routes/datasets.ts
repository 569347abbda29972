import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, DatasetHistory, DatasetList, DatasetSpec, NotFoundError } from '@partita/contracts';
import type { Catalog } from '@partita/catalog';
import { toDatasetList, toDatasetVersion } from '../views/jobs.js';

const errors = { 400: ApiError, 404: ApiError };

/** The registered datasets: every successful job's output, versioned by dataset name. */
export function datasetRoutes(deps: { catalog: Catalog }) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/datasets', {
      schema: {
        summary: 'Every registered dataset with its latest version',
        response: { 200: DatasetList, ...errors },
      },
      handler: async () => toDatasetList(await deps.catalog.datasets.latest()),
    });

    r.get('/datasets/:name', {
      schema: {
        summary: 'Every version of a dataset, newest first: job, manifest, files, rows, bytes, schema',
        params: z.object({ name: DatasetSpec.shape.name }),
        response: { 200: DatasetHistory, ...errors },
      },
      handler: async (request) => {
        const versions = await deps.catalog.datasets.versions(request.params.name);
        if (versions.length === 0) throw new NotFoundError(`dataset ${request.params.name} does not exist`);
        return { name: request.params.name, versions: versions.map(toDatasetVersion) };
      },
    });
  };
}
