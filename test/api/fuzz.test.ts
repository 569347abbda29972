import http from 'node:http';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, FINALIZE_QUEUE, PIPELINE_RUNS_QUEUE, partitionMessageId } from '@partita/contracts';
import { ensureReaderRole } from '@partita/extract';
import { DATABASE_URL, READER_ROLE, REDIS_URL, SOURCE_DATABASE_URL } from '../support/env.js';
import { partitionMessages, uniqueName } from '../support/isolation.js';
import { startStack, type TestStack } from '../support/stack.js';
import { BUILTIN_KINDS, BUILTIN_QUEUES } from '../support/kinds.js';

/**
 * Property-based fuzzing of POST /jobs against a real stack (no workers: accepted jobs wait on the queue). Whatever
 * the body, the answer is never a 5xx, a 4xx has the API's error shape without a stack trace, a 2xx names a job; and
 * afterwards the catalog and the queues hold only the accepted jobs. Fixed seeds: a failure prints its seed and
 * counterexample, and replays with them.
 */

const SEED = 20_240_611;
const LIMITS = { MAX_PARTITIONS_PER_JOB: '12', MAX_GROUPS_PER_JOB: '250', MAX_ROWS_PER_JOB: '150' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A stack frame (`    at f (file:1:2)`), or a path of a source file, a module or Node's internals. */
const LEAK = /\n\s+at |\bat \S+ \([^)]*:\d+:\d+\)|(?:\/[\w.@-]+){2,}\.(?:ts|js|mjs|cjs)\b|file:\/\/|node:internal/;

/** A JSON document as its text is written: objects keep every key in order, duplicates and `__proto__` included. */
type Doc = null | boolean | number | string | Doc[] | Obj | Raw;
interface Obj {
  readonly t: 'object';
  entries: [string, Doc][];
}
/** A number token written as is (`1e999`, `-0`, 30 digits): JSON.stringify cannot write these. */
interface Raw {
  readonly t: 'raw';
  text: string;
}
const obj = (entries: [string, Doc][]): Obj => ({ t: 'object', entries });
const raw = (text: string): Raw => ({ t: 'raw', text });
const isObj = (d: Doc): d is Obj => d !== null && typeof d === 'object' && !Array.isArray(d) && d.t === 'object';

function toDoc(value: unknown): Doc {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : raw(value > 0 ? '1e999' : '-1e999');
  if (Array.isArray(value)) return value.map(toDoc);
  if (typeof value === 'object') return obj(Object.entries(value).map(([k, v]) => [k, toDoc(v)]));
  return null;
}

function text(doc: Doc): string {
  if (Array.isArray(doc)) return `[${doc.map(text).join(',')}]`;
  if (doc !== null && typeof doc === 'object') {
    return doc.t === 'raw' ? doc.text : `{${doc.entries.map(([k, v]) => `${JSON.stringify(k)}:${text(v)}`).join(',')}}`;
  }
  return JSON.stringify(doc);
}

/** Arrays nested `depth` deep, as text (a value that deep would overflow the stack of whoever prints it). */
const nested = (depth: number): Raw => raw('['.repeat(depth) + ']'.repeat(depth));

/** Numbers out of range, not integers, or not finite: some only as JSON text (`1e999`, 30 digits), which JSON.stringify cannot write. */
const hostileNumber: fc.Arbitrary<Doc> = fc.oneof(
  fc.constantFrom<Doc>(
    0,
    -1,
    0.5,
    -0.5,
    1e308,
    -1e308,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    2 ** 53 + 2,
    1e-320,
    10_001,
    1_000_001,
    Number.MAX_SAFE_INTEGER,
  ),
  fc.constantFrom<Doc>(raw('1e999'), raw('-1e999'), raw('-0'), raw('1E+400'), raw('1e-400'), raw('123456789012345678901234567890')),
  fc.constantFrom<Doc>(raw('1.0'), raw('5e0'), raw('1.5e1'), raw('-0.0'), raw('12.000000000000000000001')),
  fc.integer().map(toDoc),
  fc.double().map(toDoc),
);

/** Strings that are long, not well-formed UTF-16, hold NUL or control characters, SQL, paths, or look like other types. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e3',
    '0x10',
    'null',
    '[]',
    '__proto__',
    'constructor',
    'LGA',
    'results',
    'hash',
  ),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\u202e\u202d', '😀😀', 'e\u0301', '\ufeff', '\n\r\t\u001f', '%s%n%x'),
  fc.constantFrom('Ümlaut "x"; drop table y', "x'; drop table t; --", '../../etc/passwd', '<script>alert(1)</script>', '$$', '/*', ')'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 }),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 300 }).map((n) => '😀'.repeat(n)),
);

/** Values that do not belong where they are put: wrong types, edge numbers, odd strings, prototype keys, depth. */
const hostileValue: fc.Arbitrary<Doc> = fc.oneof(
  fc.constantFrom<Doc>(null, true, false, [], obj([])),
  hostileNumber,
  hostileString,
  fc.jsonValue({ maxDepth: 3 }).map(toDoc),
  fc.constantFrom<Doc>(
    obj([['__proto__', obj([['polluted', true]])]]),
    obj([['constructor', obj([['prototype', obj([['polluted', true]])]])]]),
    obj([['toString', 1]]),
  ),
  fc.integer({ min: 10, max: 2_000 }).map(nested),
);

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', 'kind', 'input', 'source'),
  fc.constantFrom('partitions', 'chunks', 'count', 'groups', 'output', 'dataset', 'query', 'table', 'where'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** What a mutation does at the place (or object) `at` picks, modulo their number: any `at` is valid. */
type Mutation =
  | { op: 'drop'; at: number }
  | { op: 'replace'; at: number; value: Doc }
  | { op: 'string'; at: number; value: string }
  | { op: 'append'; at: number; value: string }
  | { op: 'number'; at: number; value: Doc }
  | { op: 'add'; at: number; key: string; value: Doc }
  | { op: 'duplicate'; at: number; value: Doc; first: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('string' as const), at: fc.nat(), value: hostileString }),
  fc.record({
    op: fc.constant('append' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.constantFrom(' ', ';', ')', '(', "'", '"', '--', '/*', '\u0000', '\ud800', ' or true', "' or '1'='1"),
      hostileString,
    ),
  }),
  fc.record({ op: fc.constant('number' as const), at: fc.nat(), value: hostileNumber }),
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: hostileKey, value: hostileValue }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), value: hostileValue, first: fc.boolean() }),
);

/** Every place a value sits in a document: its container and its index there. */
function places(doc: Doc): { parent: Obj | Doc[]; index: number }[] {
  const out: { parent: Obj | Doc[]; index: number }[] = [];
  const visit = (d: Doc): void => {
    if (Array.isArray(d)) d.forEach((v, i) => (out.push({ parent: d, index: i }), visit(v)));
    else if (isObj(d)) d.entries.forEach(([, v], i) => (out.push({ parent: d, index: i }), visit(v)));
  };
  visit(doc);
  return out;
}

function objects(doc: Doc): Obj[] {
  const out: Obj[] = [];
  const visit = (d: Doc): void => {
    if (Array.isArray(d)) d.forEach(visit);
    else if (isObj(d)) {
      out.push(d);
      d.entries.forEach(([, v]) => visit(v));
    }
  };
  visit(doc);
  return out;
}

const valueAt = (place: { parent: Obj | Doc[]; index: number }): Doc =>
  Array.isArray(place.parent) ? place.parent[place.index]! : place.parent.entries[place.index]![1];

function setAt(place: { parent: Obj | Doc[]; index: number }, value: Doc | undefined): void {
  if (Array.isArray(place.parent)) {
    if (value === undefined) place.parent.splice(place.index, 1);
    else place.parent[place.index] = value;
  } else if (value === undefined) place.parent.entries.splice(place.index, 1);
  else place.parent.entries[place.index]![1] = value;
}

/** Applies mutations to a copy of a document. */
function mutate(doc: Doc, mutations: readonly Mutation[]): Doc {
  const copy = structuredClone(doc);
  for (const original of mutations) {
    // Values are copied in: one generated value put in twice, or into itself, must not make the document a cycle.
    const m = 'value' in original ? { ...original, value: structuredClone(original.value) } : original;
    if (m.op === 'add' || m.op === 'duplicate') {
      const all = objects(copy);
      const target = all[m.at % Math.max(1, all.length)];
      if (!target) continue;
      if (m.op === 'add') target.entries.push([m.key, m.value]);
      else {
        const entry = target.entries[m.at % Math.max(1, target.entries.length)];
        // A repeated key: JSON.parse keeps the last one, so the copy put first loses and the one put last wins.
        if (entry) target.entries[m.first ? 'unshift' : 'push']([entry[0], m.value]);
      }
      continue;
    }
    const wanted = (d: Doc): boolean =>
      m.op === 'string' || m.op === 'append'
        ? typeof d === 'string'
        : m.op === 'number'
          ? typeof d === 'number' || (d as Raw)?.t === 'raw'
          : true;
    const all = places(copy).filter((p) => wanted(valueAt(p)));
    const place = all[m.at % Math.max(1, all.length)];
    if (!place) continue;
    if (m.op === 'drop') setAt(place, undefined);
    else if (m.op === 'append') setAt(place, `${valueAt(place) as string}${m.value as string}`);
    else setAt(place, m.value);
  }
  return copy;
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/jsonx',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/octet-stream',
  '*/*',
  '',
];

describe('POST /jobs under fuzzing: never a 5xx, errors with the API shape and no trace, only accepted jobs recorded and enqueued', () => {
  let stack: TestStack;
  let db: pg.Client;
  let S: string;
  const sourceApp = uniqueName('fuzz-src-');
  /** Every job id a 2xx named, and whether it was cancelled (extracts: their snapshots are not kept open). */
  const accepted = new Map<string, { kind: string; cancelled: boolean }>();
  const counts = { '2xx': 0, '4xx': 0 };

  beforeAll(async () => {
    stack = await startStack({
      workers: 0,
      env: {
        ...LIMITS,
        // The source connections of this master (its snapshots among them) carry a name of their own.
        SOURCE_DATABASE_URL: `${SOURCE_DATABASE_URL}?application_name=${sourceApp}`,
        // Hundreds of jobs wait on the queue: the reconciler's sweep over them is not what is tested here.
        RECONCILE_INTERVAL_MS: '60000',
      },
    });
    // The source tables live in a schema of their own, which the reader role may read (the catalog's it may not).
    S = uniqueName('src_');
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    await db.query(`create schema ${S}`);
    await ensureReaderRole(db, READER_ROLE, [S]);
    await db.query(`
      create table ${S}.fz_src (id int primary key, v text, n numeric(8,2), at timestamptz);
      insert into ${S}.fz_src select g, 'v' || g, g / 4.0, timestamptz '2024-01-01' + g * interval '1 hour' from generate_series(1, 60) g;
      create sequence ${S}.fz_seq;
      create table ${S}.fz_travellers (group_id text, person text, home_airport text, destination text);
      insert into ${S}.fz_travellers values ('g1', 'a', 'BOS', 'LGA'), ('g1', 'b', 'ORD', 'LGA'), ('g2', 'c', 'BOS', 'LGA');
      create table ${S}.fz_flights (origin text, destination text, departure time, arrival interval, price numeric(10,2));
      insert into ${S}.fz_flights values ('BOS', 'LGA', '06:00', '07:10', 100), ('LGA', 'BOS', '18:00', '19:05', 90);
    `);
  });

  afterAll(async () => {
    // Cleaned up whatever the outcome: the schema (with the source tables), the queue keys, the container.
    await stack?.close(true);
    // After the stack: its snapshots no longer hold the source tables.
    await db?.query(`drop schema if exists ${S} cascade`);
    await db?.end();
  });

  async function post(payload: string | Buffer, headers: Record<string, string>): Promise<void> {
    const res = await stack.master.app.inject({ method: 'POST', url: '/jobs', payload, headers });
    expect(res.statusCode, res.body.slice(0, 2000)).toBeLessThan(500);
    expect(res.body, 'a response leaks a stack trace or a file path').not.toMatch(LEAK);
    const body = JSON.parse(res.body) as { id?: string; status?: string; statusCode?: number; message?: string };
    if (res.statusCode >= 400) {
      counts['4xx']++;
      expect(ApiError.safeParse(body).success, res.body.slice(0, 2000)).toBe(true);
      expect(body.statusCode).toBe(res.statusCode);
      expect(body.message?.length).toBeGreaterThan(0);
      return;
    }
    counts['2xx']++;
    expect([200, 202]).toContain(res.statusCode);
    expect(body.id).toMatch(UUID);
    const id = body.id!;
    const job = await stack.getJob(id);
    const kind = job.kind;
    if (res.statusCode === 202) expect(accepted.has(id)).toBe(false);
    else expect(accepted.has(id), 'a 200 repeats an accepted job').toBe(true);
    const known = accepted.get(id);
    // A job that reads a source (an extract, a travel job's postgres input) holds a snapshot, a connection, while it
    // runs: cancel it, so that hundreds do not pile up.
    const readsSource = kind === 'sql-extract' || 'postgres' in ((job.spec as { input?: object }).input ?? {});
    if (readsSource && !known?.cancelled) {
      const cancel = await stack.master.app.inject({ method: 'DELETE', url: `/jobs/${id}` });
      expect(cancel.statusCode, cancel.body).toBe(200);
    }
    accepted.set(id, { kind, cancelled: readsSource });
  }

  const json = (doc: Doc, idempotencyKey?: string) =>
    post(text(doc), { 'content-type': 'application/json', ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }) });

  /** Valid specs of every kind and input, pointed at this stack's container and at small tables in its schema. */
  function validSpecs(): fc.Arbitrary<Record<string, unknown>> {
    const output = fc.record(
      { container: fc.constant(stack.container), prefix: fc.constantFrom('fz', 'fz/a=1/b.c') },
      { requiredKeys: ['container'] },
    );
    const dataset = fc.record(
      {
        name: fc.constantFrom('fz', 'fz.data-1'),
        description: fc.string({ maxLength: 30 }),
        tags: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
      },
      { requiredKeys: ['name'] },
    );
    const retry = fc.record({ attempts: fc.integer({ min: 1, max: 20 }), backoffMs: fc.integer({ min: 0, max: 600_000 }) });
    const optimizer = fc.constantFrom<Record<string, unknown>>(
      { algorithm: 'random', guesses: 10, seed: 3 },
      { algorithm: 'hillclimb', restarts: 2 },
      { algorithm: 'annealing', T: 100, cool: 0.9, step: 2 },
      { algorithm: 'genetic', popsize: 10, maxiter: 5, mutprob: 0.5, elite: 0.3 },
      { algorithm: 'exact' },
    );
    const travel = (input: fc.Arbitrary<unknown>) =>
      fc.record(
        {
          kind: fc.constant('travel-plan'),
          input,
          optimizer,
          partitioner: fc.constantFrom('hash', 'round-robin', 'cost-aware'),
          partitions: fc.integer({ min: 1, max: 16 }),
          output,
          dataset,
          retry,
        },
        { requiredKeys: ['kind', 'input'] },
      );
    const inlineGroup = (i: number) => ({ id: `g${i}`, destination: 'LGA', travellers: [{ name: 'A', origin: i % 2 ? 'BOS' : 'ORD' }] });
    const flights = ['BOS', 'ORD'].flatMap((o) => [
      { origin: o, destination: 'LGA', depart: '6:00', arrive: 430, price: 100 },
      { origin: 'LGA', destination: o, depart: 1080, arrive: '19:05', price: 90.5 },
    ]);
    const extract = (source: fc.Arbitrary<unknown>) =>
      fc.record(
        {
          kind: fc.constant('sql-extract'),
          source,
          chunks: fc.oneof(
            fc.record({ count: fc.integer({ min: 1, max: 16 }) }),
            fc.record({ rowsPerChunk: fc.integer({ min: 1, max: 80 }) }),
          ),
          output: fc.record(
            {
              container: fc.constant(stack.container),
              compression: fc.constantFrom('SNAPPY', 'GZIP', 'UNCOMPRESSED'),
              rowsPerRowGroup: fc.integer({ min: 1, max: 1000 }),
              maxRowsPerFile: fc.integer({ min: 1, max: 1000 }),
            },
            { requiredKeys: ['container'] },
          ),
          casts: fc.record(
            { numericAs: fc.constantFrom('decimal', 'double'), columns: fc.constant({ n: { numericAs: 'double' } }) },
            { requiredKeys: [] },
          ),
          dataset,
          statementTimeoutMs: fc.integer({ min: 0, max: 60_000 }),
          retry,
        },
        { requiredKeys: ['kind', 'source', 'dataset'] },
      );
    const where = fc.constantFrom(
      'id > 10',
      "v like 'v1%'",
      'n / 0 > 1',
      'no_such > 1',
      `id in (select id from ${S}.fz_src where n > 2)`,
      'random() < 2',
      "set_config('search_path', 'public', false) is not null",
      `nextval('${S}.fz_seq') > 0`,
      'at > now() - interval $$10 years$$',
      '((((((((((id > 1))))))))))',
    );
    const query = fc.constantFrom(
      `select id, v from ${S}.fz_src`,
      `select id, n * 2 as n2 from ${S}.fz_src where id > 10`,
      `select g as id from generate_series(1, 200) g`,
      `select id, nextval('${S}.fz_seq') as s from ${S}.fz_src`,
      `with d as (delete from ${S}.fz_src returning id) select id from d`,
      `select id from ${S}.fz_src for update`,
      `select id, set_config('search_path', 'public', false) as s from ${S}.fz_src`,
      `select id, v from ${S}.fz_src;`,
    );
    return fc.oneof(
      travel(
        fc.record({ generate: fc.record({ groups: fc.integer({ min: 1, max: 300 }), seed: fc.nat() }, { requiredKeys: ['groups'] }) }),
      ),
      travel(
        fc.integer({ min: 1, max: 6 }).map((n) => ({ inline: { groups: Array.from({ length: n }, (_, i) => inlineGroup(i)), flights } })),
      ),
      travel(fc.constant({ postgres: { travellers: `${S}.fz_travellers`, flights: `${S}.fz_flights` } })),
      extract(
        fc.record(
          {
            table: fc.constant(`${S}.fz_src`),
            columns: fc.subarray(['id', 'v', 'n', 'at'], { minLength: 1 }),
            where,
            key: fc.constantFrom('id', 'n', 'v', 'at'),
          },
          { requiredKeys: ['table'] },
        ),
      ),
      extract(fc.record({ query, key: fc.constantFrom('id', 'id', 'n2', 'missing') })),
    );
  }

  it('(a) arbitrary JSON values, deep and wide, and objects of every kind with arbitrary fields', async () => {
    const anyKind = fc.dictionary(
      fc.constantFrom('input', 'source', 'chunks', 'partitions', 'optimizer', 'output', 'dataset', 'retry', 'casts', 'partitioner'),
      fc.jsonValue({ maxDepth: 4 }),
    );
    const body = fc.oneof(
      fc.jsonValue({ depthSize: 'medium', maxDepth: 15 }).map(toDoc),
      fc.array(fc.jsonValue({ maxDepth: 0 }), { minLength: 100, maxLength: 1_000 }).map(toDoc),
      fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.jsonValue({ maxDepth: 0 }), { minKeys: 50, maxKeys: 300 }).map(toDoc),
      fc.integer({ min: 100, max: 20_000 }).map(nested),
      fc
        .tuple(fc.constantFrom('travel-plan', 'sql-extract', 'teleport', ''), anyKind)
        .map(([kind, rest]) => obj([['kind', kind], ...Object.entries(rest).map(([k, v]): [string, Doc] => [k, toDoc(v)])])),
    );
    await fc.assert(
      fc.asyncProperty(body, (doc) => json(doc)),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('(b) valid specs of every kind, mutated: fields dropped, wrong types, edge numbers, long and odd strings, prototype and repeated keys', async () => {
    // Now and then an idempotency key, from a few: a repeat of the same spec is a 200, of another one a 409.
    const keys = fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: fc.constantFrom('k1', 'k2', ''), weight: 1 });
    await fc.assert(
      fc.asyncProperty(validSpecs(), fc.array(mutation, { minLength: 0, maxLength: 4 }), keys, (spec, mutations, key) =>
        json(mutate(toDoc(spec), mutations), key),
      ),
      { seed: SEED + 1, numRuns: 1_300 },
    );
    // The fuzz reaches both sides: specs accepted, and specs refused.
    expect(counts['2xx']).toBeGreaterThan(100);
    expect(counts['4xx']).toBeGreaterThan(1_000);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('(c) bodies that are not JSON, truncated JSON, and other content types', async () => {
    const specText = validSpecs().map((spec) => JSON.stringify(spec));
    const body = fc.oneof(
      fc.tuple(specText, fc.nat()).map(([t, at]) => ({ payload: t.slice(0, at % t.length), type: 'application/json' })),
      fc
        .tuple(specText, fc.constantFrom('x', ',', '}', ']', ' {}', '\u0000', '// c'))
        .map(([t, tail]) => ({ payload: t + tail, type: 'application/json' })),
      specText.map((t) => ({ payload: `\ufeff${t}`, type: 'application/json' })),
      specText.map((t) => ({ payload: t.replaceAll('"', "'"), type: 'application/json' })),
      fc.tuple(specText, fc.constantFrom(...CONTENT_TYPES)).map(([t, type]) => ({ payload: t, type })),
      fc.string({ unit: 'binary', maxLength: 300 }).map((payload) => ({ payload, type: 'application/json' })),
      fc.uint8Array({ maxLength: 500 }).map((bytes) => ({ payload: Buffer.from(bytes), type: 'application/json' })),
      fc
        .constantFrom('', ' ', 'null', 'true', '1', '"x"', '[]', '{}', 'NaN', '{"kind":}', '{"__proto__":{"polluted":1}}')
        .map((payload) => ({
          payload,
          type: 'application/json',
        })),
      fc.constantFrom(...CONTENT_TYPES).map((type) => ({ payload: 'kind=travel-plan&partitions=4', type })),
    );
    await fc.assert(
      fc.asyncProperty(body, ({ payload, type }) => post(payload, type === '' ? {} : { 'content-type': type })),
      { seed: SEED + 2, numRuns: 500 },
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('afterwards: every job in the catalog got a 2xx, every message on the queues belongs to one, no snapshot is held, the source is unchanged', async () => {
    const { rows: jobs } = await db.query<{ id: string; kind: string; partitions: number }>(
      `select j.id::text as id, j.kind, (select count(*)::int from "${stack.schema}".partitions p where p.job_id = j.id) as partitions
         from "${stack.schema}".jobs j`,
    );
    expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(accepted.keys()));
    expect(jobs.length).toBeGreaterThan(100);

    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    try {
      // Every message on every partition queue, in any state, is a partition of an accepted job; the travel jobs
      // (not cancelled) have all their partitions on the queue, the cancelled extracts none.
      for (const kind of BUILTIN_KINDS) {
        const messages = await partitionMessages(stack.prefix, kind);
        for (const m of messages) {
          const data = m.data as { jobId: string; index: number };
          expect(accepted.get(data.jobId)?.kind, `message ${m.id}`).toBe(kind);
          expect(m.id).toBe(partitionMessageId(data.jobId, data.index));
        }
        const expected = jobs.filter((j) => j.kind === kind && !accepted.get(j.id)!.cancelled).reduce((a, j) => a + j.partitions, 0);
        expect(messages.length, kind).toBe(expected);
        if (kind === 'travel-plan') expect(expected).toBeGreaterThan(0);
      }
      // And no other key under the prefix names a job that was not accepted.
      const queues = [...BUILTIN_QUEUES, FINALIZE_QUEUE, PIPELINE_RUNS_QUEUE];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.prefix}:*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          if (key === `${stack.prefix}:recovery-marker`) continue; // the recovery pass's mark that Redis kept its data
          const [queue, rest = ''] = key.slice(stack.prefix.length + 1).split(/:(.*)/s);
          expect(queues, key).toContain(queue);
          const id = /^([0-9a-f-]{36})\.\d+(?::|$)/.exec(rest)?.[1];
          if (id !== undefined) expect(accepted.has(id), key).toBe(true);
        }
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }

    // Refused jobs released their snapshots; the accepted ones that held one were cancelled, which releases it.
    const { rows: held } = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where application_name = $1 and state like 'idle in transaction%'`,
      [sourceApp],
    );
    expect(held[0]!.n).toBe(0);
    // Nothing the refused sources tried was done: no row deleted, no sequence value taken.
    const source = await db.query<{ n: number; sum: number }>(`select count(*)::int as n, sum(id)::int as sum from ${S}.fz_src`);
    expect(source.rows[0]).toEqual({ n: 60, sum: 1830 });
    expect((await db.query(`select is_called from ${S}.fz_seq`)).rows[0].is_called).toBe(false);
  });
});

describe('hostile bodies against a listening master', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { BODY_LIMIT_BYTES: String(2 * 1024 * 1024) } });
  });
  afterAll(async () => {
    await stack?.close(true);
  });

  /**
   * Streams a body of up to `total` bytes in 64 KiB pieces, stopping as soon as the response (or the end of the
   * connection) comes back. Returns the status (null when the connection was closed without one) and the bytes sent.
   */
  function stream(total: number, declareLength: boolean): Promise<{ status: number | null; sent: number; body: string }> {
    const url = new URL('/jobs', stack.baseUrl);
    const [head, tail] = ['{"kind":"travel-plan","padding":"', '"}'];
    return new Promise((resolve) => {
      let sent = 0;
      let status: number | null = null;
      let body = '';
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        req.destroy();
        resolve({ status, sent, body });
      };
      const req = http.request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(declareLength ? { 'content-length': String(head.length + total + tail.length) } : {}),
        },
      });
      req.on('response', (res) => {
        status = res.statusCode ?? null;
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', finish);
        res.on('error', finish);
      });
      // The server may close the connection once it has answered: the client's next write then fails.
      req.on('error', finish);
      req.on('close', finish);
      const piece = Buffer.alloc(64 * 1024, 'x');
      req.write(head);
      const pump = (): void => {
        while (!settled && sent < total) {
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', () => setTimeout(pump, 1));
        }
        if (!settled) req.end(tail);
      };
      pump();
    });
  }

  it('a streamed body over BODY_LIMIT_BYTES gets 413 long before the client has sent it all', async () => {
    for (const declareLength of [false, true]) {
      const total = 256 * 1024 * 1024;
      const { status, sent, body } = await stream(total, declareLength);
      expect(status, `declared length: ${declareLength}`).toBe(413);
      expect(JSON.parse(body)).toMatchObject({ statusCode: 413, message: expect.stringMatching(/too large|body/i) });
      // The answer came while most of the body was still unsent: the server did not read it all first.
      expect(sent, `declared length: ${declareLength}`).toBeLessThan(total / 4);
    }
    // The master still answers.
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
  });

  it('a body nested 100,000 levels deep gets a 400, not a crash', async () => {
    const depth = 100_000;
    const bodies = [
      '['.repeat(depth) + ']'.repeat(depth),
      '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      `{"kind":"travel-plan","input":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      `{"kind":"sql-extract","dataset":{"tags":${'{"__proto__":'.repeat(depth)}1${'}'.repeat(depth)}}}`,
      `{"kind":"travel-plan","__proto__":${'{"constructor":'.repeat(depth)}1${'}'.repeat(depth)}}`,
    ];
    for (const payload of bodies) {
      const res = await fetch(`${stack.baseUrl}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
      const text = await res.text();
      expect(res.status, text.slice(0, 500)).toBe(400);
      expect(ApiError.safeParse(JSON.parse(text)).success).toBe(true);
      expect(text).not.toMatch(LEAK);
    }
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    expect((await stack.master.app.inject({ method: 'GET', url: '/jobs' })).json()).toEqual({ items: [], nextCursor: null });
  });
});
