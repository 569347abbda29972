import { randomBytes } from 'node:crypto';

import type { Catalog, JobEnds } from '@partita/catalog';
import { createLogger, createMasterMetrics, createWorkerMetrics } from '@partita/telemetry';
import { buildApp } from '../../apps/master/src/app.js';
import type { PipelinesService } from '../../apps/master/src/pipelines/service.js';
import type { JobsService } from '../../apps/master/src/services/jobs.js';
import { startHealthServer } from '../../apps/worker/src/health-server.js';
import { BUILTIN, BUILTIN_KINDS } from '../support/kinds.js';

/**
 * The status the app's real HTTP server answers a GET of `path` with, asked without a token: the master's Fastify
 * app as deployed, API_AUTH on and METRICS_PUBLIC at its default (probes and /metrics touch neither the catalog nor
 * the jobs), or the worker's health server. No service is needed.
 */
export async function appStatus(app: 'master' | 'worker', path: string): Promise<number> {
  if (app === 'master') {
    const metrics = createMasterMetrics({ kinds: BUILTIN_KINDS, queueDepths: async () => ({}) });
    const server = await buildApp({
      catalog: {} as Catalog,
      jobEnds: {} as JobEnds,
      jobs: {} as JobsService,
      kinds: BUILTIN,
      pipelines: {} as PipelinesService,
      readiness: {},
      log: createLogger({ name: 'master', level: 'silent' }),
      bodyLimit: 1024 * 1024,
      metrics: metrics.registry,
      queues: [],
      auth: {
        API_AUTH: 'on',
        API_TOKENS: `deploy:read:${randomBytes(24).toString('hex')}`,
        METRICS_PUBLIC: true,
        SESSION_TTL_SECONDS: 3600,
      },
    });
    try {
      return (await server.inject({ method: 'GET', url: path })).statusCode;
    } finally {
      await server.close();
    }
  }
  const metrics = createWorkerMetrics({ kinds: BUILTIN_KINDS, slots: 1 });
  const { server, port } = await startHealthServer(0, () => true, metrics.registry);
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    await res.arrayBuffer();
    return res.status;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
