import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecord, csvRecords } from './csv.js';

const parse = async (chunks: string[], max = 1 << 20) => {
  const out: { line: number; fields: (string | null)[] }[] = [];
  for await (const r of csvRecords(Readable.from(chunks), 'output file a.csv', max)) out.push(r);
  return out;
};

describe('CSV', () => {
  it('parses quoted fields with commas, doubled quotes and line breaks, nulls and empty strings, CRLF, blank lines', async () => {
    const text = 'a,b,c\r\n1,"x, ""y""",\n\n2,"","two\nlines"\n3,z,w';
    expect(await parse([text])).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, "y"', null] },
      { line: 4, fields: ['2', '', 'two\nlines'] },
      { line: 6, fields: ['3', 'z', 'w'] },
    ]);
  });

  it('reads the same records however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(fc.option(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é') }), { nil: null }), {
            minLength: 2,
            maxLength: 4,
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (records, cuts) => {
          const text = records.map((r) => csvRecord(r)).join('');
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((p, i, all) => text.slice(p, all[i + 1] ?? text.length)).filter((c) => c !== '');
          expect((await parse(chunks)).map((r) => r.fields)).toEqual(records);
        },
      ),
    );
  });

  it('fails for good on an unclosed quote, text after a closing quote, or a record over the bound, naming the line', async () => {
    await expect(parse(['a,b\n1,"open\n'])).rejects.toThrow('output file a.csv line 2: a quote is never closed');
    await expect(parse(['a\n"x"y\n'])).rejects.toThrow('output file a.csv line 2: text after a closing quote');
    await expect(parse(['a\n', 'x'.repeat(100), '\n'], 50)).rejects.toThrow('output file a.csv line 2: a record longer than 50 bytes');
  });
});
