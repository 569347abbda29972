import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiError,
  ApplyResult,
  EntryName,
  EntryView,
  PipelineApply,
  PipelineBody,
  PipelineDefinition,
  PipelineEntryBody,
  PipelineList,
  PipelineName,
  PipelineRunList,
  PipelineRunView,
  PipelineSettings,
  PipelineView,
  RunRequest,
  SETTING_KEYS,
  Schedule,
  ScheduleView,
  ValidationError,
  type SettingKey,
} from '@partita/contracts';
import type { PipelinesService } from '../pipelines/service.js';

const errors = { 400: ApiError, 404: ApiError, 409: ApiError, 413: ApiError, 415: ApiError, 503: ApiError };
const Named = z.object({ name: PipelineName });
const NamedEntry = z.object({ name: PipelineName, entry: EntryName });
const NamedRun = z.object({ name: PipelineName, id: z.uuid() });
const NamedSetting = z.object({ name: PipelineName, key: z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]) });
const Settings = z.record(z.string(), z.unknown());
const NoContent = { 204: z.null().describe('No content'), ...errors };

/** One setting's value, checked as the extract spec checks the field it sets. */
function settingValue(key: SettingKey, value: unknown): unknown {
  const parsed = PipelineSettings.shape[key].safeParse(value);
  if (parsed.success && parsed.data !== undefined) return parsed.data;
  const issues = parsed.success
    ? [{ path: 'value', message: 'is required' }]
    : parsed.error.issues.map((i) => ({ path: ['value', ...i.path].join('.'), message: i.message }));
  throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

/**
 * Pipelines: definitions (entries, key–value settings, schedule), validated like job specs; runs that submit one
 * sql-extract job per enabled entry and aggregate their status, progress and timings.
 */
export function pipelineRoutes(deps: { pipelines: PipelinesService }) {
  const { pipelines } = deps;
  return async function routes(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/pipelines', {
      schema: { summary: 'Every pipeline: entries, schedule and next run', response: { 200: PipelineList, ...errors } },
      handler: async () => pipelines.list(),
    });

    r.post('/pipelines', {
      schema: {
        summary: 'Create a pipeline',
        description: '409 when a pipeline of that name exists (PUT /pipelines/:name creates or replaces).',
        body: PipelineDefinition,
        response: { 201: PipelineView, ...errors },
      },
      handler: async (request, reply) => reply.code(201).send(await pipelines.create(request.body)),
    });

    r.post('/pipelines/apply', {
      schema: {
        summary: 'Create or replace pipelines, all or none',
        description: 'What `partita pipelines apply FILE` sends: each pipeline is created, updated, or left unchanged when identical.',
        body: PipelineApply,
        response: { 200: ApplyResult, ...errors },
      },
      handler: async (request) => pipelines.apply(request.body.pipelines),
    });

    r.get('/pipelines/:name', {
      schema: {
        summary: 'A pipeline: settings, schedule, and each entry with its effective settings and job spec',
        params: Named,
        response: { 200: PipelineView, ...errors },
      },
      handler: async (request) => pipelines.get(request.params.name),
    });

    r.put('/pipelines/:name', {
      schema: {
        summary: 'Create or replace a pipeline',
        params: Named,
        body: PipelineBody,
        response: { 200: PipelineView, 201: PipelineView, ...errors },
      },
      handler: async (request, reply) => {
        const result = await pipelines.put({ name: request.params.name, ...request.body });
        return reply.code(result.outcome === 'created' ? 201 : 200).send(result.pipeline);
      },
    });

    r.delete('/pipelines/:name', {
      schema: {
        summary: 'Delete a pipeline with its entries, settings, schedule and run history (its jobs and datasets stay)',
        params: Named,
        response: NoContent,
      },
      handler: async (request, reply) => {
        await pipelines.delete(request.params.name);
        return reply.code(204).send(null);
      },
    });

    r.get('/pipelines/:name/entries/:entry', {
      schema: {
        summary: 'An entry with its effective settings and job spec',
        params: NamedEntry,
        response: { 200: EntryView, ...errors },
      },
      handler: async (request) => pipelines.getEntry(request.params.name, request.params.entry),
    });

    r.put('/pipelines/:name/entries/:entry', {
      schema: {
        summary: 'Create or replace an entry',
        params: NamedEntry,
        body: PipelineEntryBody,
        response: { 200: EntryView, 201: EntryView, ...errors },
      },
      handler: async (request, reply) => {
        const result = await pipelines.putEntry(request.params.name, { ...request.body, name: request.params.entry });
        return reply.code(result.created ? 201 : 200).send(result.entry);
      },
    });

    r.delete('/pipelines/:name/entries/:entry', {
      schema: { summary: 'Delete an entry', params: NamedEntry, response: NoContent },
      handler: async (request, reply) => {
        await pipelines.deleteEntry(request.params.name, request.params.entry);
        return reply.code(204).send(null);
      },
    });

    r.get('/pipelines/:name/settings', {
      schema: { summary: "The pipeline's settings", params: Named, response: { 200: Settings, ...errors } },
      handler: async (request) => (await pipelines.definition(request.params.name)).settings,
    });

    r.put('/pipelines/:name/settings', {
      schema: {
        summary: "Replace the pipeline's settings",
        params: Named,
        body: PipelineSettings,
        response: { 200: Settings, ...errors },
      },
      handler: async (request) => pipelines.setSettings(request.params.name, () => request.body),
    });

    r.put('/pipelines/:name/settings/:key', {
      schema: {
        summary: 'Set one setting',
        params: NamedSetting,
        body: z.strictObject({ value: z.unknown() }),
        response: { 200: Settings, ...errors },
      },
      handler: async (request) => {
        const { name, key } = request.params;
        const value = settingValue(key, request.body.value);
        return pipelines.setSettings(name, (settings) => ({ ...settings, [key]: value }));
      },
    });

    r.delete('/pipelines/:name/settings/:key', {
      schema: { summary: 'Remove one setting (entries inherit the default)', params: NamedSetting, response: { 200: Settings, ...errors } },
      handler: async (request) => {
        const { name, key } = request.params;
        return pipelines.setSettings(name, ({ [key]: _removed, ...rest }) => rest);
      },
    });

    r.get('/pipelines/:name/schedule', {
      schema: { summary: "The pipeline's schedule and its next run", params: Named, response: { 200: ScheduleView, ...errors } },
      handler: async (request) => pipelines.getSchedule(request.params.name),
    });

    r.put('/pipelines/:name/schedule', {
      schema: {
        summary: 'Set the schedule: a cron expression (5 fields, or 6 with seconds), a time zone and optionally a category',
        params: Named,
        body: Schedule,
        response: { 200: ScheduleView, ...errors },
      },
      handler: async (request) => pipelines.setSchedule(request.params.name, request.body),
    });

    r.delete('/pipelines/:name/schedule', {
      schema: { summary: 'Remove the schedule', params: Named, response: NoContent },
      handler: async (request, reply) => {
        await pipelines.deleteSchedule(request.params.name);
        return reply.code(204).send(null);
      },
    });

    r.post('/pipelines/:name/runs', {
      schema: {
        summary: 'Run a pipeline: one sql-extract job per enabled entry (of a category, when given)',
        description: 'Answers at once with the run; its entries are submitted in the background. 409 when no entry would run.',
        params: Named,
        body: RunRequest.nullish(),
        response: { 202: PipelineRunView, ...errors },
      },
      handler: async (request, reply) =>
        reply.code(202).send(await pipelines.startRun(request.params.name, { category: request.body?.category, trigger: 'manual' })),
    });

    r.get('/pipelines/:name/runs', {
      schema: {
        summary: "The pipeline's runs, newest first",
        params: Named,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20), cursor: z.string().max(200).optional() }),
        response: { 200: PipelineRunList, ...errors },
      },
      handler: async (request) => pipelines.listRuns(request.params.name, request.query),
    });

    r.get('/pipelines/:name/runs/:id', {
      schema: {
        summary: "A run: status, progress and timings over its entries' jobs",
        params: NamedRun,
        response: { 200: PipelineRunView, ...errors },
      },
      handler: async (request) => pipelines.getRun(request.params.name, request.params.id),
    });

    r.delete('/pipelines/:name/runs/:id', {
      schema: {
        summary: 'Cancel a run: entries not yet submitted never are, its jobs that have not ended are cancelled',
        params: NamedRun,
        response: { 200: PipelineRunView, ...errors },
      },
      handler: async (request) => pipelines.cancelRun(request.params.name, request.params.id),
    });
  };
}
