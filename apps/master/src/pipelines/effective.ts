import {
  EXTRACT_SETTING_KEYS,
  JOB_SETTING_KEYS,
  SINK_SETTING_KEYS,
  SqlExtractSpec,
  type EffectiveEntry,
  type PipelineEntry,
  type PipelineSettings,
  type SettingKey,
} from '@partita/contracts';

/** The extract's own defaults for every setting, read off the spec schema so that they are written down once. */
const DEFAULTS: Required<PipelineSettings> = (() => {
  const spec = SqlExtractSpec.parse({ kind: 'sql-extract', source: { table: 'defaults' }, dataset: { name: 'defaults' } });
  return {
    chunks: spec.chunks,
    rowsPerRowGroup: spec.output.rowsPerRowGroup,
    casts: spec.casts,
    tags: spec.dataset.tags,
    statementTimeoutMs: spec.statementTimeoutMs,
    retry: spec.retry,
    container: spec.output.container,
    compression: spec.output.compression,
    maxRowsPerFile: spec.output.maxRowsPerFile,
    job: {},
  };
})();

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `over` laid over `under`: object-valued fields merge key by key, `over`'s values winning. */
function layFields(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isObject(below) && isObject(value) ? { ...below, ...value } : value;
  }
  return out;
}

type From = EffectiveEntry['settings'][string]['from'];
type Resolved = { [K in SettingKey]-?: { value: Required<PipelineSettings>[K]; from: From } };

const isSinkKey = (key: SettingKey): key is (typeof SINK_SETTING_KEYS)[number] => (SINK_SETTING_KEYS as readonly string[]).includes(key);

/** The entry's own value of a setting: in its `sink` for the sink's settings, in its `settings` for the others. */
function entryValue(entry: PipelineEntry, key: SettingKey): unknown {
  return isSinkKey(key) ? entry.sink[key] : entry.settings[key];
}

/**
 * Each setting of an entry and where it comes from: the entry's value, else the pipeline's, else the extract's
 * default. Tags add up: the entry's tags are added to the pipeline's, the entry's value winning for the same tag; the
 * `job` fields are laid one over the other the same way. A `job` entry has only the settings a job of any kind takes.
 */
export function resolveSettings(settings: PipelineSettings, entry: PipelineEntry): Resolved {
  const resolved: Partial<Record<SettingKey, { value: unknown; from: From }>> = {};
  // A job entry takes only the settings any kind takes; its kind's own defaults apply to the rest.
  const keys: readonly SettingKey[] = entry.job ? JOB_SETTING_KEYS : EXTRACT_SETTING_KEYS;
  for (const key of keys) {
    const own = entryValue(entry, key);
    const inherited = settings[key];
    if ((key === 'tags' || key === 'job') && own !== undefined && inherited !== undefined) {
      resolved[key] = { value: layFields(inherited as Record<string, unknown>, own as Record<string, unknown>), from: 'pipeline+entry' };
    } else if (own !== undefined) resolved[key] = { value: own, from: 'entry' };
    else if (inherited !== undefined) resolved[key] = { value: inherited, from: 'pipeline' };
    else resolved[key] = { value: DEFAULTS[key], from: 'default' };
  }
  return resolved as Resolved;
}

/**
 * The spec a run submits for an entry: an extract of its source, or its job with the settings' `job` fields under it;
 * its sink and its resolved settings either way. An extract's spec is checked here; a job's by its kind.
 */
export function entrySpec(pipeline: string, settings: PipelineSettings, entry: PipelineEntry): Record<string, unknown> {
  return specOf(pipeline, entry, resolveSettings(settings, entry));
}

function specOf(pipeline: string, entry: PipelineEntry, s: Resolved): Record<string, unknown> {
  const dataset = { name: entry.sink.dataset ?? entry.name, description: entry.sink.description ?? '', tags: s.tags.value };
  if (entry.job) {
    return {
      ...(s.retry.from === 'default' ? {} : { retry: s.retry.value }),
      ...layFields(s.job.value, entry.job),
      output: { container: s.container.value, prefix: entry.sink.prefix ?? pipeline },
      dataset,
    };
  }
  return SqlExtractSpec.parse({
    kind: 'sql-extract',
    source: entry.source,
    chunks: s.chunks.value,
    output: {
      container: s.container.value,
      prefix: entry.sink.prefix ?? pipeline,
      compression: s.compression.value,
      rowsPerRowGroup: s.rowsPerRowGroup.value,
      maxRowsPerFile: s.maxRowsPerFile.value,
    },
    casts: s.casts.value,
    dataset,
    statementTimeoutMs: s.statementTimeoutMs.value,
    retry: s.retry.value,
  });
}

/** What `GET /pipelines/:name` shows of an entry: every setting with its origin, and the spec a run would submit. */
export function effectiveEntry(pipeline: string, settings: PipelineSettings, entry: PipelineEntry): EffectiveEntry {
  const resolved = resolveSettings(settings, entry);
  return { settings: resolved, spec: specOf(pipeline, entry, resolved) };
}
