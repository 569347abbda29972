import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral, quoteTableName } from './sql.js';

describe('SQL identifier quoting', () => {
  it('quotes one identifier, doubling embedded quotes, without splitting on dots', () => {
    expect(quoteIdent('id')).toBe('"id"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteIdent('a.b')).toBe('"a.b"');
  });
  it('quotes schema-qualified names part by part', () => {
    expect(quoteTableName('t')).toBe('"t"');
    expect(quoteTableName('s.t')).toBe('"s"."t"');
    expect(quoteTableName('"a""b"."C d"')).toBe('"a""b"."C d"');
    expect(() => quoteTableName('a"b.C d')).toThrow(/schema\.table/);
  });
});

describe('SQL literal quoting', () => {
  it('single-quotes, doubling embedded quotes; backslashes stay as they are (standard_conforming_strings)', () => {
    expect(quoteLiteral('')).toBe("''");
    expect(quoteLiteral('abc')).toBe("'abc'");
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral("''")).toBe("''''''");
    expect(quoteLiteral('a\\b')).toBe("'a\\b'");
    expect(quoteLiteral("x'); drop table t; --")).toBe("'x''); drop table t; --'");
    expect(quoteLiteral('héllo 🎉')).toBe("'héllo 🎉'");
  });

  it('refuses a NUL character, which no PostgreSQL string can hold', () => {
    expect(() => quoteLiteral('a\0b')).toThrow(/NUL/);
  });

  it('reads back as the same string: every quote inside is doubled (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
        (value) => {
          const literal = quoteLiteral(value);
          expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
          const body = literal.slice(1, -1);
          expect(body.replaceAll("''", '')).not.toContain("'");
          expect(body.replaceAll("''", "'")).toBe(value);
        },
      ),
    );
  });
});
