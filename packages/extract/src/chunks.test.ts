import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteLiteral } from '@partita/contracts';
import { blockChunks, chunkCondition, chunkCount, chunkPredicate, keyChunksFromBoundaries, MAX_CHUNKS } from './chunks.js';
import type { Chunk } from './chunks.js';

/**
 * Evaluates a key chunk's predicate text in JS for an integer key (null = SQL NULL), with SQL's rule
 * that a comparison with NULL is not true. Only the grammar chunkPredicate emits is understood.
 */
function keyMatcher(sql: string, params: string[]): (k: number | null) => boolean {
  const js = sql
    .replace(/"k" (>=|<) \$(\d+)::bigint/g, (_m, op: string, n: string) => `cmp(k, '${op}', ${Number(params[Number(n) - 1])})`)
    .replace(/"k" is null/g, '(k === null)')
    .replace(/ and /g, ' && ')
    .replace(/ or /g, ' || ');
  expect(js).toMatch(/^[\s\w(),'<>=&|.-]*$/); // nothing left untranslated but these tokens
  expect(js).not.toMatch(/"|\$/);
  const cmp = (k: number | null, op: string, v: number): boolean => k !== null && (op === '>=' ? k >= v : k < v);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluates the generated predicate, checked above
  const fn = new Function('k', 'cmp', `return ${js};`) as (k: number | null, c: typeof cmp) => boolean;
  return (k) => fn(k, cmp);
}

/** Evaluates a block chunk's predicate for a tuple at (block, offset), offsets starting at 1. */
function blockMatcher(sql: string): (block: number, offset: number) => boolean {
  if (sql === 'true') return () => true;
  const conds = sql.split(' and ').map((part) => {
    const m = /^ctid (>=|<) '\((\d+),(\d+)\)'::tid$/.exec(part);
    expect(m).not.toBeNull();
    return { op: m![1], block: Number(m![2]), offset: Number(m![3]) };
  });
  return (block, offset) =>
    conds.every((c) => {
      const ge = block > c.block || (block === c.block && offset >= c.offset);
      return c.op === '>=' ? ge : !ge;
    });
}

const sortedUniqueInts = fc
  .uniqueArray(fc.integer({ min: -1_000_000, max: 1_000_000 }), { maxLength: 40 })
  .map((xs) => [...xs].sort((a, b) => a - b));

describe('key chunks', () => {
  it('never overlap and cover every key, NULL included (property)', () => {
    fc.assert(
      fc.property(
        sortedUniqueInts,
        fc.array(fc.option(fc.integer({ min: -1_100_000, max: 1_100_000 }), { nil: null }), { maxLength: 200 }),
        (bounds, keys) => {
          const chunks = keyChunksFromBoundaries(
            'k',
            bounds.map(String),
            Array.from({ length: bounds.length + 1 }, () => 1),
          );
          expect(chunks).toHaveLength(bounds.length + 1);
          const matchers = chunks.map((c, i) => {
            const p = chunkPredicate(c, 'bigint', 1);
            expect(c.index).toBe(i);
            return keyMatcher(p.sql, p.params);
          });
          // The boundaries themselves and their neighbours, plus random keys and NULL.
          const probes: (number | null)[] = [null, ...keys, ...bounds.flatMap((b) => [b - 1, b, b + 1])];
          for (const k of probes) {
            const hits = matchers.flatMap((m, i) => (m(k) ? [i] : []));
            expect(hits, `key ${k}`).toHaveLength(1);
            if (k === null) expect(hits[0]).toBe(chunks.length - 1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('first chunk is unbounded below, last unbounded above and takes NULLs', () => {
    const chunks = keyChunksFromBoundaries('id', ['10', '20'], [1, 2, 3]);
    expect(chunks.map((c) => (c.kind === 'key' ? [c.lower, c.upper, c.estimatedRows] : null))).toEqual([
      [null, '10', 1],
      ['10', '20', 2],
      ['20', null, 3],
    ]);
    expect(chunkPredicate(chunks[0]!, 'bigint')).toEqual({ sql: '"id" < $1::bigint', params: ['10'] });
    expect(chunkPredicate(chunks[1]!, 'bigint', 3)).toEqual({
      sql: '"id" >= $3::bigint and "id" < $4::bigint',
      params: ['10', '20'],
    });
    expect(chunkPredicate(chunks[2]!, 'bigint')).toEqual({
      sql: '("id" >= $1::bigint or "id" is null)',
      params: ['20'],
    });
    expect(chunkPredicate(chunks[1]!)).toEqual({ sql: '"id" >= $1 and "id" < $2', params: ['10', '20'] });
    expect(chunkPredicate(keyChunksFromBoundaries('id', [], [5])[0]!, 'text')).toEqual({ sql: 'true', params: [] });
  });

  it('accepts format_type() names as casts and refuses anything else', () => {
    const chunk = keyChunksFromBoundaries('k', ['a'], [1, 1])[0]!;
    for (const t of [
      'bigint',
      'character varying(20)',
      'numeric(10,2)',
      'timestamp(3) with time zone',
      'double precision',
      'uuid',
      'text[]',
      'public."My Type"',
      'interval day to second',
    ]) {
      expect(chunkPredicate(chunk, t).sql).toBe(`"k" < $1::${t}`);
    }
    for (const t of ['bigint; drop table x', "text'", 'bigint or true', 'int -- x', '']) {
      expect(() => chunkPredicate(chunk, t)).toThrow(/unsupported key type/);
    }
  });

  it('refuses mismatched estimates and duplicate boundaries', () => {
    expect(() => keyChunksFromBoundaries('k', ['1', '2'], [1, 1])).toThrow(/row estimates/);
    expect(() => keyChunksFromBoundaries('k', ['1', '1'], [1, 1, 1])).toThrow(/duplicate/);
  });
});

describe('chunkCondition (bounds as literals, for COPY)', () => {
  it('is chunkPredicate with each parameter written as a quoted literal (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
          { maxLength: 6 },
        ),
        fc.constantFrom(null, 'text', 'character varying(20)'),
        (bounds, keyType) => {
          const sorted = [...bounds].sort();
          const chunks = keyChunksFromBoundaries(
            'k"ey',
            sorted,
            Array.from({ length: sorted.length + 1 }, () => 1),
          );
          for (const chunk of chunks) {
            const { sql, params } = chunkPredicate(chunk, keyType);
            expect(chunkCondition(chunk, keyType)).toBe(sql.replace(/\$(\d+)/g, (_m, n: string) => quoteLiteral(params[Number(n) - 1]!)));
          }
        },
      ),
    );
  });

  it('writes quotes doubled, and block chunks as chunkPredicate does', () => {
    const [first, middle, last] = keyChunksFromBoundaries('name', ["O'Brien", 'back\\slash'], [1, 1, 1]);
    expect(chunkCondition(first!, 'text')).toBe(`"name" < 'O''Brien'::text`);
    expect(chunkCondition(middle!)).toBe(`"name" >= 'O''Brien' and "name" < 'back\\slash'`);
    expect(chunkCondition(last!, 'text')).toBe(`("name" >= 'back\\slash'::text or "name" is null)`);
    const blocks = blockChunks(100, 3, 300);
    expect(blocks.map((c) => chunkCondition(c))).toEqual(blocks.map((c) => chunkPredicate(c).sql));
    expect(() => chunkCondition(first!, "text'")).toThrow(/unsupported key type/);
  });
});

describe('block chunks', () => {
  it('cover [0, ∞) without overlap (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 300 }), fc.nat(10_000_000), (total, n, rows) => {
        const chunks = blockChunks(total, n, rows);
        expect(chunks.length).toBe(Math.max(1, Math.min(n, total)));
        expect(chunks.reduce((s, c) => s + c.estimatedRows, 0)).toBe(rows);
        const matchers = chunks.map((c) => blockMatcher(chunkPredicate(c).sql));
        const probes = [
          0,
          1,
          total - 1,
          total,
          total + 1,
          total + 1000,
          ...chunks.flatMap((c) => (c.kind === 'blocks' ? [c.fromBlock - 1, c.fromBlock, c.fromBlock + 1] : [])),
        ];
        for (const block of probes.filter((b) => b >= 0)) {
          for (const offset of [1, 300]) {
            let hits = 0;
            for (const m of matchers) if (m(block, offset)) hits++;
            if (hits !== 1) expect.fail(`block ${block} offset ${offset} is in ${hits} chunks`);
          }
        }
        const last = chunks[chunks.length - 1] as Chunk & { kind: 'blocks' };
        expect(last.toBlock).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('writes tid range conditions', () => {
    const chunks = blockChunks(100, 3, 300);
    expect(chunks.map((c) => chunkPredicate(c).sql)).toEqual([
      "ctid < '(33,0)'::tid",
      "ctid >= '(33,0)'::tid and ctid < '(66,0)'::tid",
      "ctid >= '(66,0)'::tid",
    ]);
    expect(chunks.map((c) => c.estimatedRows)).toEqual([99, 99, 102]);
  });
});

describe('chunkCount', () => {
  it('stays within [1, MAX_CHUNKS]', () => {
    expect(chunkCount({ chunks: 8 }, 0)).toBe(8);
    expect(chunkCount({ chunks: 1e9 }, 0)).toBe(MAX_CHUNKS);
    expect(chunkCount({ rowsPerChunk: 1000 }, 0)).toBe(1);
    expect(chunkCount({ rowsPerChunk: 1000 }, 1000)).toBe(1);
    expect(chunkCount({ rowsPerChunk: 1000 }, 1001)).toBe(2);
    expect(chunkCount({ rowsPerChunk: 1 }, 1e12)).toBe(MAX_CHUNKS);
    expect(() => chunkCount({ chunks: 0 }, 10)).toThrow();
    expect(() => chunkCount({ rowsPerChunk: -1 }, 10)).toThrow();
    fc.assert(
      fc.property(
        fc.oneof(fc.record({ chunks: fc.integer({ min: 1, max: 1e9 }) }), fc.record({ rowsPerChunk: fc.integer({ min: 1, max: 1e9 }) })),
        fc.nat(),
        (rule, rows) => {
          const n = chunkCount(rule, rows);
          return Number.isInteger(n) && n >= 1 && n <= MAX_CHUNKS;
        },
      ),
    );
  });
});
