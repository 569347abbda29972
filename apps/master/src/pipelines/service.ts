import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import {
  ConflictError,
  NotFoundError,
  PipelineDefinition,
  PipelineSettings,
  ValidationError,
  fieldPath,
  type ApplyOutcome,
  type ApplyResult,
  type EntryView,
  type PipelineEntry,
  type PipelineList,
  type PipelineRunList,
  type PipelineRunView,
  type PipelineView,
  type RunTrigger,
  type Schedule,
  type ScheduleView,
} from '@partita/contracts';
import type { Catalog, JobEnds, StoredPipeline } from '@partita/catalog';
import type { Logger, MasterMetrics } from '@partita/telemetry';
import type { JobSpec, JobsService } from '../services/jobs.js';
import { effectiveEntry, entrySpec } from './effective.js';
import type { PipelineSchedules } from './schedules.js';
import { runViewOf } from '../views/runs.js';

/** Entries of one run planned at once: each plan holds a source connection while it runs. */
const EXPAND_CONCURRENCY = 4;

/** A run whose entries are not all submitted, untouched this long, lost its master: another takes over. */
export const RESUME_AFTER_MS = 60_000;

/** How often a master expanding a capped run says it is alive (well within RESUME_AFTER_MS). */
const TOUCH_RUN_MS = 10_000;

export interface PipelinesServiceDeps {
  catalog: Catalog;
  /** Job ends as the catalog announces them: a capped run's next entry follows one that ended. */
  jobEnds: JobEnds;
  jobs: JobsService;
  schedules: PipelineSchedules;
  log: Logger;
  metrics: Pick<MasterMetrics, 'pipelineRuns' | 'pipelineRunsSkipped'>;
}

/**
 * Pipelines: definitions kept in the catalog, each change validated whole (every entry must make a valid spec of its
 * kind with the settings it inherits); runs that submit one job per enabled entry; schedules that start the same runs.
 */
export class PipelinesService {
  private readonly expanding = new Map<string, Promise<void>>();
  /** Aborted by close: lanes waiting on a capped run's jobs stop (another master resumes the run). */
  private readonly closing = new AbortController();

  constructor(private readonly deps: PipelinesServiceDeps) {}

  private get store() {
    return this.deps.catalog.pipelines;
  }

  private get runs() {
    return this.deps.catalog.runs;
  }

  async list(): Promise<PipelineList> {
    const [rows, next] = await Promise.all([this.store.list(), this.nextRuns()]);
    return {
      items: rows.map((r) => ({
        name: r.name,
        description: r.description,
        entries: r.entries,
        enabledEntries: r.enabledEntries,
        schedule: scheduleView(r.schedule, next.get(r.name)),
        updatedAt: r.updatedAt.toISOString(),
      })),
    };
  }

  async get(name: string): Promise<PipelineView> {
    const [pipeline, next] = await Promise.all([this.definition(name), this.nextRuns()]);
    return pipelineView(pipeline, next.get(name));
  }

  async getEntry(name: string, entry: string): Promise<EntryView> {
    const pipeline = await this.definition(name);
    const found = pipeline.entries.find((e) => e.name === entry);
    if (!found) throw new NotFoundError(`pipeline ${name} has no entry ${entry}`);
    return entryView(pipeline.name, pipeline.settings, found);
  }

  /** Creates a pipeline; 409 when one of that name exists. */
  async create(definition: PipelineDefinition): Promise<PipelineView> {
    this.checkEffective(definition);
    if (!(await this.store.create(definition))) throw new ConflictError(`pipeline ${definition.name} already exists`);
    await this.scheduleChanged(definition.name, definition.schedule);
    return this.get(definition.name);
  }

  /** Creates or replaces pipelines, all or none (`partita pipelines apply`). */
  async apply(definitions: readonly PipelineDefinition[]): Promise<ApplyResult> {
    definitions.forEach((d, i) => this.checkEffective(d, ['pipelines', i]));
    return { items: await this.write(definitions) };
  }

  /** Creates or replaces one pipeline. */
  async put(definition: PipelineDefinition): Promise<{ outcome: ApplyOutcome; pipeline: PipelineView }> {
    this.checkEffective(definition);
    const [item] = await this.write([definition]);
    return { outcome: item!.outcome, pipeline: await this.get(definition.name) };
  }

  /** The pipeline as stored; 404 when it does not exist. */
  async definition(name: string): Promise<StoredPipeline> {
    const pipeline = await this.store.get(name);
    if (!pipeline) throw new NotFoundError(`pipeline ${name} does not exist`);
    return pipeline;
  }

  async delete(name: string): Promise<void> {
    if (!(await this.store.delete(name))) throw new NotFoundError(`pipeline ${name} does not exist`);
    await this.scheduleChanged(name, null);
  }

  /** Creates or replaces one entry; the others keep their place. */
  async putEntry(name: string, entry: PipelineEntry): Promise<{ created: boolean; entry: EntryView }> {
    let created = false;
    const updated = await this.change(name, (p) => {
      const at = p.entries.findIndex((e) => e.name === entry.name);
      created = at < 0;
      const entries = created ? [...p.entries, entry] : p.entries.map((e, i) => (i === at ? entry : e));
      return { ...p, entries };
    });
    return { created, entry: entryView(name, updated.settings, entry) };
  }

  async deleteEntry(name: string, entry: string): Promise<void> {
    await this.change(name, (p) => {
      if (!p.entries.some((e) => e.name === entry)) throw new NotFoundError(`pipeline ${name} has no entry ${entry}`);
      return { ...p, entries: p.entries.filter((e) => e.name !== entry) };
    });
  }

  /** Replaces the pipeline's settings, or sets or removes one key; returns the settings after the change. */
  async setSettings(name: string, change: (settings: PipelineSettings) => PipelineSettings): Promise<PipelineSettings> {
    return (await this.change(name, (p) => ({ ...p, settings: change(p.settings) }))).settings;
  }

  async getSchedule(name: string): Promise<ScheduleView> {
    const [pipeline, next] = await Promise.all([this.definition(name), this.nextRuns()]);
    const view = scheduleView(pipeline.schedule, next.get(name));
    if (!view) throw new NotFoundError(`pipeline ${name} has no schedule`);
    return view;
  }

  /** Sets the pipeline's schedule; returns it as the API shows it. */
  async setSchedule(name: string, schedule: Schedule): Promise<ScheduleView> {
    await this.change(name, (p) => ({ ...p, schedule }));
    return this.getSchedule(name);
  }

  async deleteSchedule(name: string): Promise<void> {
    await this.change(name, (p) => {
      if (p.schedule === null) throw new NotFoundError(`pipeline ${name} has no schedule`);
      return { ...p, schedule: null };
    });
  }

  /**
   * Starts a run: records one entry per enabled entry (of `category`, when given) with the job spec it resolves to
   * now, then submits them in the background; the run answers at once. 409 when there is nothing to run.
   */
  async startRun(
    name: string,
    options: { category?: string | undefined; trigger: RunTrigger; triggerKey?: string },
  ): Promise<PipelineRunView> {
    return this.start(await this.definition(name), options);
  }

  private async start(
    pipeline: StoredPipeline,
    options: { category?: string | undefined; trigger: RunTrigger; triggerKey?: string },
  ): Promise<PipelineRunView> {
    const { name } = pipeline;
    const chosen = pipeline.entries.filter((e) => e.enabled && (options.category === undefined || e.category === options.category));
    if (chosen.length === 0) {
      const which = options.category === undefined ? 'no enabled entries' : `no enabled entries in category ${options.category}`;
      throw new ConflictError(`pipeline ${name} has ${which}: nothing to run`);
    }
    const run = await this.runs.create({
      id: randomUUID(),
      pipeline: name,
      category: options.category ?? null,
      trigger: options.trigger,
      triggerKey: options.triggerKey,
      entries: chosen.map((e) => ({ entry: e.name, spec: entrySpec(name, pipeline.settings, e) as { dataset: { name: string } } })),
      maxConcurrentEntries: pipeline.maxConcurrentEntries,
    });
    if (run.created) {
      this.deps.metrics.pipelineRuns.inc({ trigger: options.trigger });
      this.deps.log.info({ runId: run.id, pipeline: name, trigger: options.trigger, entries: chosen.length }, 'pipeline run started');
      this.expand(run.id);
    }
    return this.getRun(name, run.id);
  }

  /**
   * A schedule fired: starts a run as a manual one would, with the schedule's category. Skipped while the pipeline's
   * previous run has not ended, or when the pipeline no longer has a schedule (its scheduler is then removed).
   */
  async fire(name: string, firingId: string): Promise<void> {
    const { log } = this.deps;
    const pipeline = await this.store.get(name);
    if (!pipeline?.schedule) {
      await this.deps.schedules.set(name, null);
      return;
    }
    if (await this.runs.hasOpen(name)) {
      log.warn({ pipeline: name }, 'scheduled run skipped: the previous run has not ended');
      this.deps.metrics.pipelineRunsSkipped.inc();
      return;
    }
    try {
      await this.start(pipeline, { category: pipeline.schedule.category ?? undefined, trigger: 'schedule', triggerKey: firingId });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      log.warn({ pipeline: name, err: err.message }, 'scheduled run skipped');
    }
  }

  async getRun(name: string, runId: string): Promise<PipelineRunView> {
    const run = await this.runs.get(name, runId);
    if (!run) throw new NotFoundError(`pipeline ${name} has no run ${runId}`);
    return runViewOf(run);
  }

  async listRuns(name: string, options: { limit: number; cursor?: string | undefined }): Promise<PipelineRunList> {
    await this.definition(name);
    const page = await this.runs.list(name, options);
    const now = new Date();
    return { items: page.runs.map((run) => runViewOf(run, now)).map(({ entries: _entries, ...run }) => run), nextCursor: page.nextCursor };
  }

  /** Cancels a run: entries not yet submitted never are, and its jobs that have not ended are cancelled. */
  async cancelRun(name: string, runId: string): Promise<PipelineRunView> {
    const before = await this.getRun(name, runId);
    if (before.finishedAt !== null) throw new ConflictError(`run ${runId} of pipeline ${name} has already ${before.status}`);
    const result = await this.runs.cancel(name, runId);
    if (!result) throw new NotFoundError(`pipeline ${name} has no run ${runId}`);
    for (const jobId of result.openJobs) await this.cancelJob(jobId);
    return this.getRun(name, runId);
  }

  /**
   * One pass of the reconciler: runs whose master stopped before submitting every entry are taken over (the entries'
   * idempotency keys make a second submit of the same entry find the first job), and the schedulers are made to
   * match the catalog.
   */
  async reconcile(): Promise<void> {
    for (const runId of await this.runs.withPendingEntries(RESUME_AFTER_MS)) this.expand(runId);
    await this.deps.schedules.sync(await this.store.schedules());
  }

  /** Waits for the runs being submitted by this master; a capped run's waiting lanes stop. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.expanding.values());
  }

  private expand(runId: string): void {
    if (this.expanding.has(runId)) return;
    const work = this.submitEntries(runId)
      .catch((err: unknown) => this.deps.log.error({ err, runId }, 'pipeline run not fully submitted; the reconciler resumes it'))
      .finally(() => this.expanding.delete(runId));
    this.expanding.set(runId, work);
  }

  /**
   * The ForEach: each pending entry becomes its job. An entry whose job cannot be planned (a missing table, a wrong
   * condition, an unreachable source) gets a job that failed with that error, and the run goes on. With the run's cap
   * on entries at once, each of its lanes waits for its entry's job to end before it submits the next (a resumed run's
   * lanes first wait for the jobs it already has open).
   */
  private async submitEntries(runId: string): Promise<void> {
    const { cap, open, pending } = await this.runs.pendingEntries(runId);
    const { jobs } = this.deps;
    let next = 0;
    const lane = async (first: string | undefined): Promise<void> => {
      if (first !== undefined) await this.waitForJob(runId, first);
      for (let item = pending[next++]; item && !this.closing.signal.aborted; item = pending[next++]) {
        const spec = item.spec as JobSpec;
        const key = `pipeline-run:${runId}:${item.entry}`;
        const jobId = await jobs.submit(spec, key).then(
          (r) => r.id,
          (err: unknown) => jobs.refuse(spec, err, key),
        );
        const { cancelled } = await this.runs.linkJob(runId, item.entry, jobId);
        if (cancelled) await this.cancelJob(jobId);
        else if (cap !== null) await this.waitForJob(runId, jobId);
      }
    };
    const lanes = cap ?? Math.min(EXPAND_CONCURRENCY, pending.length);
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(cap !== null ? open[i] : undefined)));
  }

  /** Until `jobId` ends (or this master closes), touching the run so that no other master takes it over meanwhile. */
  private async waitForJob(runId: string, jobId: string): Promise<void> {
    await this.deps.jobEnds.untilEnded(jobId, () => this.deps.catalog.jobs.status(jobId), {
      everyMs: TOUCH_RUN_MS,
      signal: this.closing.signal,
      between: () => this.runs.touch(runId),
    });
  }

  private async cancelJob(jobId: string): Promise<void> {
    await this.deps.jobs.cancel(jobId).catch((err: unknown) => {
      if (!(err instanceof ConflictError)) throw err; // it ended meanwhile
    });
  }

  /** Changes a pipeline under its lock after validating the result; returns the definition after it. */
  private async change(name: string, fn: (p: PipelineDefinition) => PipelineDefinition): Promise<PipelineDefinition> {
    let after: PipelineDefinition | undefined;
    const result = await this.store.update(name, (current) => {
      after = validated(fn(current));
      this.checkEffective(after);
      return after;
    });
    if (!result || !after) throw new NotFoundError(`pipeline ${name} does not exist`);
    if (!sameSchedule(result.before.schedule, after.schedule)) await this.scheduleChanged(name, after.schedule);
    return after;
  }

  /** Stores checked definitions in one transaction, then mirrors their schedules. */
  private async write(definitions: readonly PipelineDefinition[]): Promise<ApplyResult['items']> {
    const items = await this.store.apply(definitions);
    for (const d of definitions) await this.scheduleChanged(d.name, d.schedule);
    return items;
  }

  /** Mirrors a schedule change on its scheduler; if Redis is unavailable the reconciler does it later. */
  private async scheduleChanged(name: string, schedule: Schedule | null): Promise<void> {
    await this.deps.schedules
      .set(name, schedule)
      .catch((err: unknown) => this.deps.log.warn({ err, pipeline: name }, 'schedule saved; its scheduler is set on the next reconcile'));
  }

  /**
   * Every entry of a definition must resolve to a valid spec of its kind with the settings it inherits (the
   * pipeline's and its own tags together may exceed the limit, say; a job entry may name an unknown kind): refused
   * with the entry's path otherwise.
   */
  private checkEffective(definition: PipelineDefinition, at: ReadonlyArray<string | number> = []): void {
    const issues: Array<{ path: string; message: string }> = [];
    definition.entries.forEach((entry, i) => {
      const found = (path: string, message: string) =>
        issues.push({ path: fieldPath([...at, 'entries', i]), message: `its spec with the pipeline's settings: ${path} ${message}` });
      try {
        this.deps.jobs.checkSpec(entrySpec(definition.name, definition.settings, entry));
      } catch (err) {
        if (err instanceof ZodError) for (const issue of err.issues) found(fieldPath(issue.path), issue.message);
        else if (err instanceof ValidationError)
          for (const issue of err.issues ?? [{ path: 'kind', message: err.message }]) found(issue.path, issue.message);
        else throw err;
      }
    });
    if (issues.length > 0) throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
  }

  private async nextRuns(): Promise<Map<string, number>> {
    return this.deps.schedules.nextRuns().catch(() => new Map<string, number>());
  }
}

const sameSchedule = (a: Schedule | null, b: Schedule | null): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A changed definition checked whole again: names and datasets unique across entries, every entry's spec valid. */
function validated(definition: PipelineDefinition): PipelineDefinition {
  const parsed = PipelineDefinition.safeParse(definition);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: fieldPath(i.path), message: i.message }));
    throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
  }
  return parsed.data;
}

function scheduleView(schedule: Schedule | null, next: number | undefined): ScheduleView | null {
  if (!schedule) return null;
  return { ...schedule, nextRunAt: next === undefined ? null : new Date(next).toISOString() };
}

function entryView(pipeline: string, settings: PipelineSettings, entry: PipelineEntry): EntryView {
  return { ...entry, effective: effectiveEntry(pipeline, settings, entry) };
}

function pipelineView(p: StoredPipeline, next: number | undefined): PipelineView {
  return {
    name: p.name,
    description: p.description,
    settings: p.settings,
    schedule: scheduleView(p.schedule, next),
    maxConcurrentEntries: p.maxConcurrentEntries,
    entries: p.entries.map((e) => entryView(p.name, p.settings, e)),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
