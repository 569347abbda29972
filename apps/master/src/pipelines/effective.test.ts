import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  EXTRACT_SETTING_KEYS as SETTING_KEYS,
  PipelineEntry,
  PipelineSettings,
  SINK_SETTING_KEYS,
  SqlExtractSpec,
  type ExtractSettingKey as SettingKey,
} from '@partita/contracts';
import { effectiveEntry, entrySpec, resolveSettings } from './effective.js';

/** The settings of an extract entry (a job entry's are tested below). */
type Values = Required<Omit<PipelineSettings, 'job'>>;

/** An extract entry's spec, as the extract's schema types it. */
const extractSpec = (...args: Parameters<typeof entrySpec>): SqlExtractSpec => entrySpec(...args) as SqlExtractSpec;

/** The extract's own defaults, as SqlExtractSpec documents them. */
const DEFAULTS = {
  chunks: { count: 8 },
  rowsPerRowGroup: 131_072,
  casts: { numericAs: 'decimal', columns: {} },
  tags: {},
  statementTimeoutMs: 3_600_000,
  retry: { attempts: 3, backoffMs: 1000 },
  container: 'results',
  compression: 'SNAPPY',
  maxRowsPerFile: 5_000_000,
} satisfies Values;

/** A pipeline-level value of every setting, each different from the default. */
const PIPELINE_VALUES = {
  chunks: { rowsPerChunk: 100_000 },
  rowsPerRowGroup: 65_536,
  casts: { numericAs: 'double', columns: {} },
  tags: { team: 'data', env: 'prod' },
  statementTimeoutMs: 60_000,
  retry: { attempts: 5, backoffMs: 2000 },
  container: 'pipeline-out',
  compression: 'GZIP',
  maxRowsPerFile: 1_000_000,
} satisfies Values;

/** An entry-level value of every setting, each different from the default and from the pipeline's. */
const ENTRY_VALUES = {
  chunks: { count: 32 },
  rowsPerRowGroup: 10_000,
  casts: { numericAs: 'decimal', columns: { amount: { numericAs: 'double' } } },
  tags: { env: 'staging', owner: 'sales' },
  statementTimeoutMs: 1,
  retry: { attempts: 1, backoffMs: 0 },
  container: 'entry-out',
  compression: 'UNCOMPRESSED',
  maxRowsPerFile: 250_000,
} satisfies Values;

const isSinkKey = (key: string): boolean => (SINK_SETTING_KEYS as readonly string[]).includes(key);

/** An entry named `orders` reading `public.orders`, with the given fields. */
const entry = (fields: Record<string, unknown> = {}): PipelineEntry =>
  PipelineEntry.parse({ name: 'orders', source: { table: 'public.orders' }, ...fields });

/** An entry holding the given setting values where an entry holds them: the sink's in `sink`, the others in `settings`. */
function entryWith(values: Partial<Values>, fields: Record<string, unknown> = {}): PipelineEntry {
  const sink: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) (isSinkKey(key) ? sink : settings)[key] = value;
  return entry({ ...fields, sink: { ...(fields.sink as object | undefined), ...sink }, settings });
}

const pick = (values: Values, keys: readonly SettingKey[]): Partial<Values> => Object.fromEntries(keys.map((key) => [key, values[key]]));

/** `count` tags named `<prefix>0`, `<prefix>1`, … */
const manyTags = (prefix: string, count: number, value = 'v'): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, value]));

describe('resolveSettings', () => {
  it('covers every setting key, the sink settings included', () => {
    expect(Object.keys(DEFAULTS).sort()).toEqual([...SETTING_KEYS].sort());
    expect(Object.keys(resolveSettings({}, entry())).sort()).toEqual([...SETTING_KEYS].sort());
    expect([...SINK_SETTING_KEYS].sort()).toEqual(['compression', 'container', 'maxRowsPerFile']);
  });

  it("takes the extract's default for every setting neither level sets", () => {
    const resolved = resolveSettings(PipelineSettings.parse({}), entry());
    for (const key of SETTING_KEYS) expect(resolved[key], key).toEqual({ value: DEFAULTS[key], from: 'default' });
  });

  it("takes the pipeline's value for every setting the entry does not set", () => {
    const resolved = resolveSettings(PipelineSettings.parse(PIPELINE_VALUES), entry());
    for (const key of SETTING_KEYS) expect(resolved[key], key).toEqual({ value: PIPELINE_VALUES[key], from: 'pipeline' });
  });

  it("takes the entry's value over the default", () => {
    const resolved = resolveSettings(PipelineSettings.parse({}), entryWith(ENTRY_VALUES));
    for (const key of SETTING_KEYS) expect(resolved[key], key).toEqual({ value: ENTRY_VALUES[key], from: 'entry' });
  });

  it("takes the entry's value over the pipeline's (tags aside)", () => {
    const resolved = resolveSettings(PipelineSettings.parse(PIPELINE_VALUES), entryWith(ENTRY_VALUES));
    for (const key of SETTING_KEYS.filter((k) => k !== 'tags')) {
      expect(resolved[key], key).toEqual({ value: ENTRY_VALUES[key], from: 'entry' });
    }
  });

  it.each(SETTING_KEYS)('resolves %s on its own, leaving the other settings at their defaults', (key) => {
    const others = SETTING_KEYS.filter((k) => k !== key);
    const pipelineOnly = resolveSettings(PipelineSettings.parse(pick(PIPELINE_VALUES, [key])), entry());
    expect(pipelineOnly[key]).toEqual({ value: PIPELINE_VALUES[key], from: 'pipeline' });
    const entryOnly = resolveSettings(PipelineSettings.parse({}), entryWith(pick(ENTRY_VALUES, [key])));
    expect(entryOnly[key]).toEqual({ value: ENTRY_VALUES[key], from: 'entry' });
    for (const other of others) {
      expect(pipelineOnly[other], other).toEqual({ value: DEFAULTS[other], from: 'default' });
      expect(entryOnly[other], other).toEqual({ value: DEFAULTS[other], from: 'default' });
    }
  });

  it("reads the sink settings from the entry's sink", () => {
    const settings = PipelineSettings.parse(PIPELINE_VALUES);
    const resolved = resolveSettings(settings, entry({ sink: { container: 'entry-out', compression: 'UNCOMPRESSED', maxRowsPerFile: 7 } }));
    expect(resolved.container).toEqual({ value: 'entry-out', from: 'entry' });
    expect(resolved.compression).toEqual({ value: 'UNCOMPRESSED', from: 'entry' });
    expect(resolved.maxRowsPerFile).toEqual({ value: 7, from: 'entry' });
  });

  it("refuses sink settings in an entry's settings", () => {
    for (const key of SINK_SETTING_KEYS) {
      expect(() => entry({ settings: { [key]: ENTRY_VALUES[key] } }), key).toThrow(ZodError);
    }
  });

  it("keeps the pipeline's sink settings when the entry's sink sets only where the files go", () => {
    const resolved = resolveSettings(
      PipelineSettings.parse(PIPELINE_VALUES),
      entry({ sink: { prefix: 'sales/orders', dataset: 'orders_v2', description: 'All orders' } }),
    );
    expect(resolved.container).toEqual({ value: 'pipeline-out', from: 'pipeline' });
    expect(resolved.compression).toEqual({ value: 'GZIP', from: 'pipeline' });
    expect(resolved.maxRowsPerFile).toEqual({ value: 1_000_000, from: 'pipeline' });
  });

  describe('tags', () => {
    it("add the entry's tags to the pipeline's, the entry's value winning for the same tag", () => {
      const resolved = resolveSettings(PipelineSettings.parse(PIPELINE_VALUES), entryWith({ tags: ENTRY_VALUES.tags }));
      expect(resolved.tags).toEqual({ value: { team: 'data', env: 'staging', owner: 'sales' }, from: 'pipeline+entry' });
    });

    it("are the pipeline's when the entry has none", () => {
      const resolved = resolveSettings(PipelineSettings.parse({ tags: { team: 'data' } }), entry());
      expect(resolved.tags).toEqual({ value: { team: 'data' }, from: 'pipeline' });
    });

    it("are the entry's when the pipeline has none", () => {
      const resolved = resolveSettings(PipelineSettings.parse({}), entryWith({ tags: { owner: 'sales' } }));
      expect(resolved.tags).toEqual({ value: { owner: 'sales' }, from: 'entry' });
    });

    it('are empty by default', () => {
      expect(resolveSettings(PipelineSettings.parse({}), entry()).tags).toEqual({ value: {}, from: 'default' });
    });

    it('leave both levels as they were', () => {
      const settings = PipelineSettings.parse({ tags: { team: 'data', env: 'prod' } });
      const e = entryWith({ tags: { env: 'staging' } });
      resolveSettings(settings, e);
      expect(settings.tags).toEqual({ team: 'data', env: 'prod' });
      expect(e.settings.tags).toEqual({ env: 'staging' });
    });
  });

  describe('for any values at either level', () => {
    const tagKey = fc.constantFrom('team', 'env', 'owner', 'tier');
    const values: { [K in SettingKey]: fc.Arbitrary<Values[K]> } = {
      chunks: fc.oneof(
        fc.record({ count: fc.integer({ min: 1, max: 10_000 }) }),
        fc.record({ rowsPerChunk: fc.integer({ min: 1, max: 1_000_000_000 }) }),
      ),
      rowsPerRowGroup: fc.integer({ min: 1, max: 10_000_000 }),
      casts: fc.record({
        numericAs: fc.constantFrom('decimal', 'double'),
        columns: fc.dictionary(
          fc.constantFrom('amount', 'price', 'total'),
          fc.record({ numericAs: fc.constantFrom('decimal', 'double') }),
          {
            noNullPrototype: true,
          },
        ),
      }),
      tags: fc.dictionary(tagKey, fc.string({ maxLength: 12 }), { noNullPrototype: true }),
      statementTimeoutMs: fc.integer({ min: 1, max: 86_400_000 }),
      retry: fc.record({ attempts: fc.integer({ min: 1, max: 20 }), backoffMs: fc.integer({ min: 0, max: 600_000 }) }),
      container: fc.constantFrom('results', 'pipeline-out', 'entry-out', 'a1-b2'),
      compression: fc.constantFrom('SNAPPY', 'GZIP', 'UNCOMPRESSED'),
      maxRowsPerFile: fc.integer({ min: 1, max: 1_000_000_000 }),
    };
    const someValues: fc.Arbitrary<Partial<Values>> = fc.record(values, { requiredKeys: [] });

    it("every setting is the entry's value when present, else the pipeline's, else the default; tags merge per tag", () => {
      fc.assert(
        fc.property(someValues, someValues, (pipelineValues, entryValues) => {
          const resolved = resolveSettings(PipelineSettings.parse(pipelineValues), entryWith(entryValues));
          for (const key of SETTING_KEYS) {
            const own = entryValues[key];
            const inherited = pipelineValues[key];
            if (key === 'tags' && entryValues.tags && pipelineValues.tags) {
              const { tags: ownTags } = entryValues;
              const { tags: inheritedTags } = pipelineValues;
              const names = new Set([...Object.keys(inheritedTags), ...Object.keys(ownTags)]);
              const merged = Object.fromEntries([...names].map((t) => [t, t in ownTags ? ownTags[t] : inheritedTags[t]]));
              expect(resolved.tags).toEqual({ value: merged, from: 'pipeline+entry' });
            } else if (own !== undefined) expect(resolved[key], key).toEqual({ value: own, from: 'entry' });
            else if (inherited !== undefined) expect(resolved[key], key).toEqual({ value: inherited, from: 'pipeline' });
            else expect(resolved[key], key).toEqual({ value: DEFAULTS[key], from: 'default' });
          }
        }),
      );
    });

    it('the spec holds the resolved values and is a fixed point of SqlExtractSpec.parse', () => {
      fc.assert(
        fc.property(someValues, someValues, (pipelineValues, entryValues) => {
          const settings = PipelineSettings.parse(pipelineValues);
          const e = entryWith(entryValues);
          const s = resolveSettings(settings, e);
          const spec = extractSpec('nightly', settings, e);
          expect(SqlExtractSpec.parse(spec)).toEqual(spec);
          expect(spec).toEqual({
            kind: 'sql-extract',
            source: { table: 'public.orders' },
            chunks: s.chunks.value,
            output: {
              container: s.container.value,
              prefix: 'nightly',
              compression: s.compression.value,
              rowsPerRowGroup: s.rowsPerRowGroup.value,
              maxRowsPerFile: s.maxRowsPerFile.value,
            },
            casts: s.casts.value,
            dataset: { name: 'orders', description: '', tags: s.tags.value },
            statementTimeoutMs: s.statementTimeoutMs.value,
            retry: s.retry.value,
          });
        }),
      );
    });
  });
});

describe('entrySpec', () => {
  it("is the extract's default spec, with the pipeline's name as prefix and the entry's as dataset, when nothing is set", () => {
    const spec = extractSpec('nightly', PipelineSettings.parse({}), entry());
    expect(spec).toEqual(
      SqlExtractSpec.parse({
        kind: 'sql-extract',
        source: { table: 'public.orders' },
        output: { prefix: 'nightly' },
        dataset: { name: 'orders' },
      }),
    );
    expect(spec.output.prefix).toBe('nightly');
    expect(spec.dataset).toEqual({ name: 'orders', description: '', tags: {} });
  });

  it('holds the resolved value of every setting', () => {
    const spec = extractSpec('nightly', PipelineSettings.parse(PIPELINE_VALUES), entryWith(ENTRY_VALUES));
    expect(spec).toEqual({
      kind: 'sql-extract',
      source: { table: 'public.orders' },
      chunks: { count: 32 },
      output: { container: 'entry-out', prefix: 'nightly', compression: 'UNCOMPRESSED', rowsPerRowGroup: 10_000, maxRowsPerFile: 250_000 },
      casts: { numericAs: 'decimal', columns: { amount: { numericAs: 'double' } } },
      dataset: { name: 'orders', description: '', tags: { team: 'data', env: 'staging', owner: 'sales' } },
      statementTimeoutMs: 1,
      retry: { attempts: 1, backoffMs: 0 },
    });
  });

  it("holds the pipeline's values where the entry sets none", () => {
    const spec = extractSpec('nightly', PipelineSettings.parse(PIPELINE_VALUES), entry());
    expect(spec).toMatchObject({
      chunks: { rowsPerChunk: 100_000 },
      output: { container: 'pipeline-out', prefix: 'nightly', compression: 'GZIP', rowsPerRowGroup: 65_536, maxRowsPerFile: 1_000_000 },
      casts: { numericAs: 'double', columns: {} },
      dataset: { name: 'orders', description: '', tags: { team: 'data', env: 'prod' } },
      statementTimeoutMs: 60_000,
      retry: { attempts: 5, backoffMs: 2000 },
    });
  });

  it("takes the prefix, dataset name and description from the entry's sink", () => {
    const spec = extractSpec(
      'nightly',
      PipelineSettings.parse({}),
      entry({ sink: { prefix: 'sales/orders', dataset: 'orders_v2', description: 'All orders' } }),
    );
    expect(spec.output.prefix).toBe('sales/orders');
    expect(spec.dataset).toEqual({ name: 'orders_v2', description: 'All orders', tags: {} });
  });

  it('passes a query source through', () => {
    const source = { query: 'select o.id, o.total from public.orders o where o.total > 0', key: 'id' };
    const spec = extractSpec('nightly', PipelineSettings.parse({}), entry({ source }));
    expect(spec.source).toEqual(source);
    expect(SqlExtractSpec.parse(spec)).toEqual(spec);
  });

  it('passes a table source with columns, condition and key through', () => {
    const source = { table: 'public.orders', columns: ['id', 'total'], where: "status = 'paid'", key: 'id' };
    expect(entrySpec('nightly', PipelineSettings.parse({}), entry({ source })).source).toEqual(source);
  });

  it('is a fixed point of SqlExtractSpec.parse', () => {
    for (const spec of [
      entrySpec('nightly', PipelineSettings.parse({}), entry()),
      entrySpec('nightly', PipelineSettings.parse(PIPELINE_VALUES), entry()),
      entrySpec('nightly', PipelineSettings.parse(PIPELINE_VALUES), entryWith(ENTRY_VALUES)),
    ]) {
      expect(SqlExtractSpec.parse(spec)).toEqual(spec);
    }
  });

  describe('the 64-tag limit', () => {
    it('allows a merge of exactly 64 tags', () => {
      const spec = extractSpec('nightly', PipelineSettings.parse({ tags: manyTags('p', 40) }), entryWith({ tags: manyTags('e', 24) }));
      expect(Object.keys(spec.dataset.tags)).toHaveLength(64);
    });

    it('counts a tag both levels set once', () => {
      const spec = extractSpec('nightly', PipelineSettings.parse({ tags: manyTags('t', 60) }), entryWith({ tags: manyTags('t', 50, 'w') }));
      expect(Object.keys(spec.dataset.tags)).toHaveLength(60);
      expect(spec.dataset.tags.t0).toBe('w');
      expect(spec.dataset.tags.t59).toBe('v');
    });

    it('throws a ZodError when the merge exceeds 64 tags', () => {
      const settings = PipelineSettings.parse({ tags: manyTags('p', 40) });
      const e = entryWith({ tags: manyTags('e', 30) });
      expect(() => entrySpec('nightly', settings, e)).toThrow(ZodError);
      expect(() => effectiveEntry('nightly', settings, e)).toThrow(ZodError);
    });
  });
});

describe('effectiveEntry', () => {
  it('is the resolved settings with their origins, and the spec a run would submit', () => {
    const settings = PipelineSettings.parse(PIPELINE_VALUES);
    const e = entryWith({ chunks: { count: 4 }, tags: { owner: 'sales' } }, { sink: { prefix: 'sales' } });
    const effective = effectiveEntry('nightly', settings, e);
    expect(effective.settings).toEqual(resolveSettings(settings, e));
    expect(effective.spec).toEqual(entrySpec('nightly', settings, e));
    expect(effective.settings.chunks).toEqual({ value: { count: 4 }, from: 'entry' });
    expect(effective.settings.tags).toEqual({ value: { team: 'data', env: 'prod', owner: 'sales' }, from: 'pipeline+entry' });
    expect(effective.settings.retry).toEqual({ value: { attempts: 5, backoffMs: 2000 }, from: 'pipeline' });
    expect(effective.spec).toMatchObject({ output: { prefix: 'sales' }, dataset: { name: 'orders' } });
  });
});

describe('a job entry (any kind)', () => {
  const job = { kind: 'program', input: { groupsOf: { table: 'sales.north', by: ['store'] } } };
  const settings = PipelineSettings.parse({
    job: { program: 'forecast', params: { horizon: 14, model: 'ets' } },
    tags: { team: 'data' },
    compression: 'GZIP',
  });

  it('lays the entry’s job over its settings’ job fields over the pipeline’s; params merge key by key', () => {
    const e = PipelineEntry.parse({ name: 'north', job, settings: { job: { params: { horizon: 28 } }, tags: { region: 'n' } } });
    expect(entrySpec('daily', settings, e)).toEqual({
      kind: 'program',
      program: 'forecast',
      params: { horizon: 28, model: 'ets' },
      input: job.input,
      output: { container: 'results', prefix: 'daily' },
      dataset: { name: 'north', description: '', tags: { team: 'data', region: 'n' } },
    });
    const own = PipelineEntry.parse({ name: 'north', job: { ...job, program: 'other', params: { model: 'arima' } } });
    expect(entrySpec('daily', settings, own)).toMatchObject({ program: 'other', params: { horizon: 14, model: 'arima' } });
  });

  it('takes only the settings any kind takes; retry only when a level sets it', () => {
    const e = PipelineEntry.parse({ name: 'north', job, sink: { container: 'forecasts', prefix: 'f', dataset: 'fc' } });
    expect(Object.keys(resolveSettings(settings, e)).sort()).toEqual(['container', 'job', 'retry', 'tags']);
    const spec = entrySpec('daily', settings, e);
    expect(spec).not.toHaveProperty('retry');
    expect(spec).not.toHaveProperty('compression');
    expect(spec['output']).toEqual({ container: 'forecasts', prefix: 'f' });
    const retried = entrySpec('daily', { ...settings, retry: { attempts: 5, backoffMs: 10 } }, e);
    expect(retried['retry']).toEqual({ attempts: 5, backoffMs: 10 });
    expect(effectiveEntry('daily', settings, e).settings['job']).toEqual({ value: settings.job, from: 'pipeline' });
  });

  it('has a source or a job, never both or neither; its sink, not its job, says where the files go', () => {
    const issues = (fields: Record<string, unknown>) =>
      PipelineEntry.safeParse({ name: 'e', ...fields }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ job, source: { table: 'a.b' } })).toEqual(['source: an entry has either a source (an extract) or a job, not both']);
    expect(issues({})).toEqual(['source: an entry has either a source (an extract) or a job, not both']);
    expect(issues({ job: { ...job, output: { container: 'x' } } })).toEqual(["job.output: is set by the entry's sink"]);
    expect(issues({ job: { input: {} } })?.[0]).toMatch(/^job\.kind: /);
  });
});
