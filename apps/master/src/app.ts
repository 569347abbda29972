import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Catalog, JobEnds } from '@partita/catalog';
import type { KindRegistry } from '@partita/kinds';
import type { Queue } from 'bullmq';
import type { Logger, Registry } from '@partita/telemetry';
import { registerAuth } from './auth/plugin.js';
import { openSessionRoutes, sessionRoutes } from './auth/session.js';
import { authSettings, type AuthConfig } from './auth/settings.js';
import { registerErrorHandler } from './plugins/errors.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerQueueBoard } from './plugins/queue-board.js';
import { datasetRoutes } from './routes/datasets.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { kindRoutes } from './routes/kinds.js';
import { metricsRoutes } from './routes/metrics.js';
import { pageRoutes } from './routes/pages.js';
import { pipelineRoutes } from './routes/pipelines.js';
import type { PipelinesService } from './pipelines/service.js';
import type { JobsService } from './services/jobs.js';

export interface AppDeps {
  catalog: Catalog;
  jobs: JobsService;
  /** The kinds this master serves (built-ins and PARTITA_KINDS). */
  kinds: KindRegistry;
  pipelines: PipelinesService;
  readiness: Record<string, ReadinessCheck>;
  log: Logger;
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** The master's Prometheus registry, served at `/metrics`. */
  metrics: Registry;
  /** The queues shown on the queue board. */
  queues: readonly Queue[];
  /** API_AUTH, API_TOKENS and METRICS_PUBLIC: bearer tokens and the session cookie, or no checks. */
  auth: AuthConfig;
  /** Job ends as the catalog announces them: `GET /jobs/:id?wait=`. */
  jobEnds: JobEnds;
}

/** The master's HTTP API, without listening: `main.ts` listens, tests use `app.inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Typed as Fastify's logger, so that the instance (and the plugins it is given to) has Fastify's default logger type.
  const logger: FastifyBaseLogger = deps.log;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: deps.bodyLimit,
    requestTimeout: 30_000,
  });
  // JSON only: any other content type is answered 415 rather than parsed.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  // The auth hook first, to cover every route below; the sign-in routes after the OpenAPI plugin, which lists only
  // the routes registered after it.
  const auth = authSettings(deps.auth);
  registerAuth(app, auth, deps.catalog.sessions);
  await registerOpenApi(app, auth);
  if (auth.mode === 'on') await app.register(sessionRoutes(auth.tokens, deps.catalog.sessions, deps.auth.SESSION_TTL_SECONDS));
  else await app.register(openSessionRoutes());
  await app.register(healthRoutes(deps.readiness));
  await app.register(jobRoutes({ jobs: deps.jobs, catalog: deps.catalog, kinds: deps.kinds, jobEnds: deps.jobEnds }));
  await app.register(kindRoutes({ kinds: deps.kinds, catalog: deps.catalog }));
  await app.register(datasetRoutes({ catalog: deps.catalog }));
  await app.register(pipelineRoutes({ pipelines: deps.pipelines }));
  await app.register(pageRoutes());
  await app.register(metricsRoutes(deps.metrics));
  await registerQueueBoard(app, deps.queues);
  return app;
}
