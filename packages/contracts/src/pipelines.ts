import parser from 'cron-parser';
import { z } from 'zod';
import { BlobPrefix, ContainerName, DatasetName, RetrySpec, Tags, Text } from './common.js';
import { CastSpec, ChunkRule, Compression, ExtractSource, MaxRowsPerFile, RowsPerRowGroup, StatementTimeoutMs } from './extract.js';
import { JobSummary } from './views.js';

/*
 * Pipelines: a named list of entries kept in the catalog (the source–sink pattern), with key–value settings that
 * every entry inherits and may override (the key–value pattern). An entry is an extract (`source`) or a job of any
 * kind (`job`); a run submits one job per enabled entry.
 */

/** Names of pipelines, entries and categories: used in URLs, blob prefixes and scheduler ids. */
const Name = (what: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, `${what} must start with a letter or digit and contain only letters, digits and ._-`);

export const PipelineName = Name('a pipeline name');
export const EntryName = Name('an entry name');
export const Category = Name('a category');

/** Most entries of one pipeline. */
export const MAX_PIPELINE_ENTRIES = 500;

/**
 * Every setting a pipeline may hold, each validated as the extract spec validates the field it sets. Keys absent at
 * both levels take the extract's defaults.
 */
export const PipelineSettings = z.strictObject({
  /** How each entry's rows are split: `{ count }` chunks or `{ rowsPerChunk }`. Default `{ count: 8 }`. */
  chunks: ChunkRule.optional(),
  /** Rows per Parquet row group (the batch size of the writer). Default 131,072. */
  rowsPerRowGroup: RowsPerRowGroup.optional(),
  /** How `numeric` maps. Default exact decimals. */
  casts: CastSpec.optional(),
  /** Dataset tags; an entry's tags are added to the pipeline's (an entry's value wins for the same tag). */
  tags: Tags.optional(),
  statementTimeoutMs: StatementTimeoutMs.optional(),
  retry: RetrySpec.optional(),
  /** Default sink container. Default `results`. */
  container: ContainerName.optional(),
  /** Default sink compression. Default SNAPPY. */
  compression: Compression.optional(),
  /** Default most rows per file. Default 5,000,000. */
  maxRowsPerFile: MaxRowsPerFile.optional(),
  /**
   * Fields of every `job` entry's spec, such as the program a `program` job runs and its params. The entry's own
   * `settings.job` is laid over the pipeline's, and the entry's `job` over both; an object-valued field (`params`)
   * merges key by key, the nearer value winning.
   */
  job: z.record(z.string().min(1).max(63), z.unknown()).optional(),
});
export type PipelineSettings = z.infer<typeof PipelineSettings>;
export type SettingKey = keyof PipelineSettings;
export const SETTING_KEYS = Object.keys(PipelineSettings.shape) as SettingKey[];
/** The settings of an extract entry: all but `job`. */
export type ExtractSettingKey = Exclude<SettingKey, 'job'>;
export const EXTRACT_SETTING_KEYS = SETTING_KEYS.filter((k): k is ExtractSettingKey => k !== 'job');
/** The settings of a `job` entry: those any kind takes, and the fields of its spec. */
export const JOB_SETTING_KEYS = ['retry', 'tags', 'container', 'job'] as const satisfies readonly SettingKey[];

/** The settings that describe the sink: an entry overrides them in its `sink`, not in its `settings`. */
export const SINK_SETTING_KEYS = ['container', 'compression', 'maxRowsPerFile'] as const satisfies readonly SettingKey[];

/** An entry's own settings: any pipeline setting but the sink's (set those in the entry's `sink`). */
export const EntrySettings = PipelineSettings.omit({ container: true, compression: true, maxRowsPerFile: true });
export type EntrySettings = z.infer<typeof EntrySettings>;

/** Where an entry's files go and the dataset they are registered as. */
export const Sink = z.strictObject({
  /** Default: the pipeline's `container` setting, else `results`. */
  container: ContainerName.optional(),
  /** Path prefix inside the container. Default: the pipeline's name. */
  prefix: BlobPrefix.optional(),
  /** The registered dataset. Default: the entry's name. */
  dataset: DatasetName.optional(),
  description: Text.max(4000).optional(),
  /** Default: the pipeline's `compression` setting, else SNAPPY. */
  compression: Compression.optional(),
  /** Default: the pipeline's `maxRowsPerFile` setting, else 5,000,000. */
  maxRowsPerFile: MaxRowsPerFile.optional(),
});
export type Sink = z.infer<typeof Sink>;

/** A job of any kind, as an entry gives it: its spec without `output` and `dataset`, which the entry's sink sets. */
export const JobTemplate = z.looseObject({ kind: z.string().min(1).max(63) }).superRefine((spec, ctx) => {
  for (const field of ['output', 'dataset'] as const) {
    if (field in spec) ctx.addIssue({ code: 'custom', path: [field], message: "is set by the entry's sink" });
  }
});
export type JobTemplate = z.infer<typeof JobTemplate>;

const entryFields = z.strictObject({
  name: EntryName,
  /** A run may be limited to one category. */
  category: Category.nullable().default(null),
  /** Disabled entries are kept but not run. Default true. */
  enabled: z.boolean().default(true),
  /** An extract's source (a sql-extract job). */
  source: ExtractSource.optional(),
  /** Or a job of any kind (`{ kind: "program", program: …, input: … }`): the settings' `job` fields fill it in. */
  job: JobTemplate.optional(),
  sink: Sink.default({}),
  settings: EntrySettings.default({}),
});

function sourceOrJob(entry: { source?: unknown; job?: unknown }, ctx: z.RefinementCtx): void {
  if ((entry.source === undefined) === (entry.job === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['source'], message: 'an entry has either a source (an extract) or a job, not both' });
  }
}

/** One source–sink pair of a pipeline: a run makes one job of it, an extract of `source` or the `job` it gives. */
export const PipelineEntry = entryFields.superRefine(sourceOrJob);
/** An entry without its name, as `PUT /pipelines/:name/entries/:entry` takes it. */
export const PipelineEntryBody = entryFields.omit({ name: true }).superRefine(sourceOrJob);
export type PipelineEntry = z.infer<typeof PipelineEntry>;
export type PipelineEntryInput = z.input<typeof PipelineEntry>;

/** IANA time zone names, as the runtime knows them. */
const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris or UTC');

/** A cron expression's problem, or null: 5 fields (minute first) or 6 (second first), or an alias such as `@daily`. */
export function cronProblem(expression: string, timezone?: string): string | null {
  try {
    parser.parseExpression(expression, timezone === undefined ? {} : { tz: timezone });
    return null;
  } catch (err) {
    return `is not a valid cron expression: ${(err as Error).message}`;
  }
}

/** When a pipeline runs by itself. A scheduled run is the same as a manual one, with `trigger: schedule`. */
export const Schedule = z
  .strictObject({
    /** `minute hour day-of-month month day-of-week`, optionally preceded by seconds; or `@hourly`, `@daily` … */
    cron: z.string().trim().min(1).max(200),
    /** The time zone the expression is read in. Default UTC. */
    timezone: TimeZone.default('UTC'),
    /** Run only this category's entries. Default: every enabled entry. */
    category: Category.nullable().default(null),
  })
  .superRefine((s, ctx) => {
    const problem = cronProblem(s.cron, s.timezone);
    if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: problem });
  });
export type Schedule = z.infer<typeof Schedule>;

const pipelineFields = {
  description: Text.max(4000).default(''),
  settings: PipelineSettings.default({}),
  entries: z.array(PipelineEntry).max(MAX_PIPELINE_ENTRIES).default([]),
  schedule: Schedule.nullable().default(null),
  /**
   * At most this many of a run's entries have a job queued or running at once: the next entry is submitted when one
   * ends (the batch count of a ForEach). Default null: every enabled entry at once.
   */
  maxConcurrentEntries: z.int().min(1).max(MAX_PIPELINE_ENTRIES).nullable().default(null),
};

/** Entry names, and the datasets they register, are unique within a pipeline. */
function distinctEntries(p: { entries: PipelineEntry[] }, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  const datasets = new Map<string, string>();
  p.entries.forEach((e, i) => {
    if (names.has(e.name)) ctx.addIssue({ code: 'custom', path: ['entries', i, 'name'], message: `entry "${e.name}" appears twice` });
    names.add(e.name);
    const dataset = e.sink.dataset ?? e.name;
    const other = datasets.get(dataset);
    if (other !== undefined && other !== e.name) {
      ctx.addIssue({ code: 'custom', path: ['entries', i, 'sink', 'dataset'], message: `dataset "${dataset}" is also entry "${other}"'s` });
    }
    datasets.set(dataset, e.name);
  });
}

/** A whole pipeline without its name, as `PUT /pipelines/:name` takes it. */
export const PipelineBody = z.strictObject(pipelineFields).superRefine(distinctEntries);
export type PipelineBody = z.infer<typeof PipelineBody>;

/** A whole pipeline with its name: `POST /pipelines`, and each pipeline of `POST /pipelines/apply`. */
export const PipelineDefinition = z.strictObject({ name: PipelineName, ...pipelineFields }).superRefine(distinctEntries);
export type PipelineDefinition = z.infer<typeof PipelineDefinition>;
export type PipelineDefinitionInput = z.input<typeof PipelineDefinition>;

/** `POST /pipelines/apply`: pipelines created or replaced together, all or none. */
export const PipelineApply = z.strictObject({
  pipelines: z
    .array(PipelineDefinition)
    .min(1)
    .max(100)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((p, i) => {
        if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `pipeline "${p.name}" appears twice` });
        seen.add(p.name);
      });
    }),
});

/** What applying a pipeline did. */
export const ApplyOutcome = z.enum(['created', 'updated', 'unchanged']);
export type ApplyOutcome = z.infer<typeof ApplyOutcome>;

/** Where an effective setting came from: the extract's default, the pipeline's settings, or the entry. */
export const SettingSource = z.enum(['default', 'pipeline', 'entry', 'pipeline+entry']);

/** An entry as a run would submit it: each setting with its origin, and the job spec itself. */
export const EffectiveEntry = z.object({
  settings: z.record(z.string(), z.object({ value: z.unknown(), from: SettingSource })),
  /** The job spec a run submits for this entry. */
  spec: z.record(z.string(), z.unknown()),
});
export type EffectiveEntry = z.infer<typeof EffectiveEntry>;

export const EntryView = z.object({
  name: z.string(),
  category: z.string().nullable(),
  enabled: z.boolean(),
  source: z.record(z.string(), z.unknown()).optional(),
  job: z.record(z.string(), z.unknown()).optional(),
  sink: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
  effective: EffectiveEntry,
});
export type EntryView = z.infer<typeof EntryView>;

export const ScheduleView = z.object({
  cron: z.string(),
  timezone: z.string(),
  category: z.string().nullable(),
  /** When the scheduler fires next; null until the master has registered the schedule. */
  nextRunAt: z.string().nullable(),
});
export type ScheduleView = z.infer<typeof ScheduleView>;

export const PipelineView = z.object({
  name: z.string(),
  description: z.string(),
  settings: z.record(z.string(), z.unknown()),
  schedule: ScheduleView.nullable(),
  maxConcurrentEntries: z.int().nullable(),
  entries: z.array(EntryView),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PipelineView = z.infer<typeof PipelineView>;

export const PipelineSummary = z.object({
  name: z.string(),
  description: z.string(),
  entries: z.int(),
  enabledEntries: z.int(),
  schedule: ScheduleView.nullable(),
  updatedAt: z.string(),
});
export const PipelineList = z.object({ items: z.array(PipelineSummary) });
export type PipelineList = z.infer<typeof PipelineList>;

export const ApplyResult = z.object({
  items: z.array(z.object({ name: z.string(), outcome: ApplyOutcome })),
});
export type ApplyResult = z.infer<typeof ApplyResult>;

export const RunStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;
export const RunTrigger = z.enum(['manual', 'schedule']);
export type RunTrigger = z.infer<typeof RunTrigger>;

/** `POST /pipelines/:name/runs`. */
export const RunRequest = z.strictObject({
  /** Run only the enabled entries of this category. Default: every enabled entry. */
  category: Category.optional(),
});

/** One entry of a run: its job once submitted (`job` null before). */
export const RunEntryView = z.object({
  entry: z.string(),
  dataset: z.string(),
  /** `pending` until its job is submitted; then the job's status. */
  status: z.enum(['pending', ...RunStatus.options]),
  job: JobSummary.nullable(),
});
export type RunEntryView = z.infer<typeof RunEntryView>;

/** A pipeline run: the ForEach over its entries, with its jobs' status, progress and timings aggregated. */
export const PipelineRunView = z.object({
  id: z.uuid(),
  pipeline: z.string(),
  category: z.string().nullable(),
  trigger: RunTrigger,
  /** Queued until a job starts; running while any entry is pending or any job runs; then succeeded (every job did), failed (some job failed) or cancelled. */
  status: RunStatus,
  createdAt: z.string(),
  /** When the last job ended; null while any runs. */
  finishedAt: z.string().nullable(),
  progress: z.object({
    /** Entries by status. */
    entries: z.object({
      total: z.int(),
      pending: z.int(),
      queued: z.int(),
      running: z.int(),
      succeeded: z.int(),
      failed: z.int(),
      cancelled: z.int(),
    }),
    /** Partitions (chunks) ended, and in all, over every submitted job. */
    partitionsDone: z.int(),
    partitionsTotal: z.int(),
    /** Rows written, and planned, over every submitted job. */
    itemsDone: z.int(),
    itemsTotal: z.int(),
  }),
  timings: z.object({
    /** From the run's creation to its last job's end (or to now). */
    wallMs: z.number(),
    /** Sum of every job's partition run times: the run in one sequential process. */
    sumPartitionMs: z.number(),
    /** sumPartitionMs / wallMs. */
    speedup: z.number(),
    /** Distinct workers that ran the run's partitions. */
    workers: z.int(),
  }),
  entries: z.array(RunEntryView),
});
export type PipelineRunView = z.infer<typeof PipelineRunView>;

export const PipelineRunList = z.object({
  items: z.array(PipelineRunView.omit({ entries: true })),
  nextCursor: z.string().nullable(),
});
export type PipelineRunList = z.infer<typeof PipelineRunList>;
