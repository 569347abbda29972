import type { FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, JobAccepted, JobList, JobStatus, JobView, NotFoundError } from '@partita/contracts';
import type { Catalog, JobEnds } from '@partita/catalog';
import type { KindRegistry } from '@partita/kinds';
import { jobView } from '../kinds/views.js';
import { loadJob, toJobSummary } from '../views/jobs.js';
import type { JobsService } from '../services/jobs.js';

const JobParams = z.object({ id: z.uuid() });

/** Longest `?wait=` in seconds: below the server's request timeout (30 s). */
export const MAX_JOB_WAIT_SECONDS = 25;

/** While a waiter waits, the job is read again this often: what a notification lost to a reconnect costs at most. */
const REREAD_MS = 1000;
const errors = { 400: ApiError, 404: ApiError, 408: ApiError, 409: ApiError, 413: ApiError, 415: ApiError, 429: ApiError, 503: ApiError };

export function jobRoutes(deps: { jobs: JobsService; catalog: Catalog; kinds: KindRegistry; jobEnds: JobEnds }) {
  // Every kind's spec, one of which a body must be: what the OpenAPI document shows. The body itself is validated by
  // its kind's schema when submitted, so that an unknown kind is answered with the kinds this master knows.
  const schemas = deps.kinds.specSchemas();
  const SpecBody = (schemas.length === 1 ? schemas[0]! : z.union(schemas as [z.ZodType, z.ZodType, ...z.ZodType[]])).describe(
    `A job's spec: \`kind\` (one of ${deps.kinds.names.join(', ')}) and that kind's fields (see GET /kinds)`,
  );
  return async function routes(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post('/jobs', {
      schema: {
        summary: 'Submit a job',
        description: 'Validates the spec, plans its partitions, records them in the catalog and enqueues one message per partition.',
        headers: z.object({
          'idempotency-key': z.string().min(1).max(200).optional().describe('A repeat with the same key returns the same job'),
        }),
        body: SpecBody,
        response: { 200: JobAccepted, 202: JobAccepted, ...errors },
      },
      validatorCompiler: (route) =>
        route.httpPart === 'body'
          ? (body: unknown) => ({ value: body })
          : validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]),
      handler: async (request, reply) => {
        // A client that goes away before the answer abandons the plan: its statements are cancelled at once.
        const gone = new AbortController();
        reply.raw.once('close', () => reply.raw.writableFinished || gone.abort(new Error('the client went away')));
        const result = await deps.jobs.submit(request.body, request.headers['idempotency-key'], {
          signal: gone.signal,
          submittedBy: request.tokenName,
        });
        return reply.code(result.created ? 202 : 200).send({ id: result.id, status: result.status });
      },
    });

    r.get('/jobs', {
      schema: {
        summary: 'List jobs, newest first',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(200).optional(),
          status: JobStatus.optional(),
        }),
        response: { 200: JobList, ...errors },
      },
      handler: async (request) => {
        const page = await deps.catalog.jobs.list(request.query);
        return { items: page.rows.map((row) => toJobSummary(row)), nextCursor: page.nextCursor };
      },
    });

    r.get('/jobs/:id', {
      schema: {
        summary: 'A job: status, progress, partitions, timings and output',
        description:
          'With `wait=N`, answers as soon as the job has ended (succeeded, failed or cancelled), or after N seconds with ' +
          'its state then: one request instead of polling.',
        params: JobParams,
        querystring: z.object({
          wait: z.coerce
            .number()
            .int()
            .min(0)
            .max(MAX_JOB_WAIT_SECONDS)
            .optional()
            .describe(`Seconds to wait for the job to end before answering (0–${MAX_JOB_WAIT_SECONDS}); default 0`),
        }),
        response: { 200: JobView, ...errors },
      },
      handler: async (request, reply) => {
        const { id } = request.params;
        const deadline = Date.now() + (request.query.wait ?? 0) * 1000;
        const gone = new AbortController();
        reply.raw.once('close', () => gone.abort());
        // While it waits, only the job's status is read (a big job's whole view is built once, for the answer).
        const status = await deps.jobEnds.untilEnded(id, () => deps.catalog.jobs.status(id), {
          everyMs: REREAD_MS,
          deadline,
          signal: gone.signal,
        });
        if (status === null) throw new NotFoundError(`job ${id} does not exist`);
        const job = await loadJob(deps.catalog, id);
        if (!job) throw new NotFoundError(`job ${id} does not exist`);
        return jobView(job, deps.kinds);
      },
    });

    r.post('/jobs/:id/retry', {
      schema: {
        summary: 'Retry a failed job: only its failed partitions run again',
        description:
          'Puts the failed partitions back on the queue with a fresh retry budget; succeeded partitions and their files stay. ' +
          '409 unless the job is failed.',
        params: JobParams,
        response: { 202: JobAccepted, ...errors },
      },
      handler: async (request, reply) => reply.code(202).send({ id: request.params.id, status: await deps.jobs.retry(request.params.id) }),
    });

    r.delete('/jobs/:id', {
      schema: {
        summary: 'Cancel a job: partitions not yet started never run',
        params: JobParams,
        response: { 200: JobAccepted, ...errors },
      },
      handler: async (request) => ({ id: request.params.id, status: await deps.jobs.cancel(request.params.id) }),
    });
  };
}
