import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral, quoteTableName, sqlFragmentProblem } from './sql.js';

describe('SQL identifier quoting', () => {
  it('quotes one identifier, doubling embedded quotes, without splitting on dots', () => {
    expect(quoteIdent('id')).toBe('"id"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteIdent('a.b')).toBe('"a.b"');
  });
  it('quotes schema-qualified names part by part', () => {
    expect(quoteTableName('t')).toBe('"t"');
    expect(quoteTableName('s.t')).toBe('"s"."t"');
    expect(quoteTableName('a"b.C d')).toBe('"a""b"."C d"');
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

describe('sqlFragmentProblem', () => {
  it('accepts conditions and queries that stay inside their parentheses', () => {
    for (const ok of [
      'n % 2 = 0',
      "name = 'a) or (true' and (x > 1)",
      "note = 'it''s (fine'",
      "path like E'\\\\) \\' ('",
      '"odd) name" is not null',
      'body = $$ ) ; ( $$ and tag = $t$;)$t$',
      'x > 1 -- a comment with ) and ;\n and y < 2',
      'x /* nested /* ) */ ; */ > 1',
      'select a, (select max(b) from t2) as m from t1 where c in (1, 2)',
      'price$1 > 0',
    ]) {
      expect(sqlFragmentProblem(ok), ok).toBeNull();
    }
  });

  it('refuses text that would escape the parentheses around it, or run a second statement', () => {
    expect(sqlFragmentProblem('id > 0) or (true')).toMatch(/closes a parenthesis/);
    expect(sqlFragmentProblem('(id > 0')).toMatch(/not closed/);
    expect(sqlFragmentProblem('true; delete from t')).toMatch(/single statement/);
    expect(sqlFragmentProblem("a = 'open")).toMatch(/string literal/);
    expect(sqlFragmentProblem('a = "open')).toMatch(/quoted identifier/);
    expect(sqlFragmentProblem('a = $q$ open')).toMatch(/dollar-quoted/);
    expect(sqlFragmentProblem('a /* open')).toMatch(/comment/);
    expect(sqlFragmentProblem("E'\\\\') or (true")).toMatch(/closes a parenthesis/);
    expect(sqlFragmentProblem("E'\\') or (true")).toMatch(/string literal/); // \' is a quote inside an E'' string
  });
});
