import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteTableName } from './sql.js';

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
