import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Text } from './common.js';
import { SqlExtractSpec } from './extract.js';
import { TravelPlanSpec } from './travel.js';

describe('spec text the catalog can store', () => {
  it('refuses NUL and unpaired UTF-16 surrogates, which PostgreSQL text and jsonb cannot hold; accepts the rest', () => {
    for (const bad of ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '😀'.slice(0, 1)]) {
      expect(Text.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    for (const good of ['', 'plain', '😀', 'ünï 日本', '\u202e', '\n\t', 'it\'s "quoted"; drop table y']) {
      expect(Text.safeParse(good).success, JSON.stringify(good)).toBe(true);
    }
    // Any well-formed string without NUL passes.
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(Text.safeParse(s).success).toBe(!s.includes('\u0000'));
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('applies to every free-text field of a spec: dataset description and tags, inline ids and names, columns, SQL', () => {
    const travel = (patch: Record<string, unknown>) =>
      TravelPlanSpec.safeParse({ kind: 'travel-plan', input: { generate: { groups: 1 } }, dataset: { name: 'd' }, ...patch });
    expect(travel({}).success).toBe(true);
    expect(travel({ dataset: { name: 'd', description: 'a\u0000' } }).success).toBe(false);
    expect(travel({ dataset: { name: 'd', tags: { '\ud800': 'v' } } }).success).toBe(false);
    expect(travel({ dataset: { name: 'd', tags: { k: '\udfff' } } }).success).toBe(false);
    const inline = (id: string, name: string) =>
      travel({
        input: {
          inline: {
            groups: [{ id, destination: 'LGA', travellers: [{ name, origin: 'BOS' }] }],
            flights: [{ origin: 'BOS', destination: 'LGA', depart: 1, arrive: 2, price: 1 }],
          },
        },
      });
    expect(inline('g', 'A').success).toBe(true);
    expect(inline('g\u0000', 'A').success).toBe(false);
    expect(inline('g', 'A\ud800').success).toBe(false);

    const extract = (source: unknown) => SqlExtractSpec.safeParse({ kind: 'sql-extract', source, dataset: { name: 'd' } });
    expect(extract({ table: 's.t', columns: ['ünï 日本 😀'], where: 'true' }).success).toBe(true);
    expect(extract({ table: 's.t', columns: ['a\ud800'] }).success).toBe(false);
    expect(extract({ table: 's.t', where: "v = '\udfff'" }).success).toBe(false);
    expect(extract({ query: 'select 1 as id -- \u0000', key: 'id' }).success).toBe(false);
  });
});
