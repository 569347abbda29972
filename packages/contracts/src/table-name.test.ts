import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqlExtractSpec } from './extract.js';
import { parseTableName, quoteTable, tableLabel, tableSpecProblem } from './table-name.js';

describe('table names as a user writes them', () => {
  it('reads bare and double-quoted parts, case kept, a doubled quote as one', () => {
    expect(parseTableName('orders')).toEqual({ schema: null, name: 'orders' });
    expect(parseTableName('Sales.Orders')).toEqual({ schema: 'Sales', name: 'Orders' });
    expect(parseTableName('h2."Order Items"')).toEqual({ schema: 'h2', name: 'Order Items' });
    expect(parseTableName('"my schema"."a.b"')).toEqual({ schema: 'my schema', name: 'a.b' });
    expect(parseTableName('"say ""hi"""')).toEqual({ schema: null, name: 'say "hi"' });
    expect(parseTableName('price$2024')).toEqual({ schema: null, name: 'price$2024' });
  });

  it('refuses what is not one or two such parts', () => {
    for (const bad of [
      '',
      'a.b.c',
      'Order Items',
      't; drop table x',
      '"open',
      'a."',
      '1t',
      'a..b',
      '.a',
      'a.',
      '"a"b',
      `"${'x'.repeat(64)}"`,
      '"a\nb"',
    ]) {
      expect(parseTableName(bad), bad).toBeNull();
    }
  });

  it('quotes every part, and labels bare parts bare', () => {
    expect(quoteTable({ table: 'h2."Order Items"' })).toBe('"h2"."Order Items"');
    expect(quoteTable({ schema: 'h2', table: 'Order Items' })).toBe('"h2"."Order Items"');
    expect(quoteTable({ schema: 'h2', table: 'a.b' })).toBe('"h2"."a.b"');
    expect(quoteTable({ table: '"say ""hi"""' })).toBe('"say ""hi"""');
    expect(tableLabel({ schema: 'h2', table: 'Order Items' })).toBe('h2."Order Items"');
    expect(tableLabel({ table: 'sales.orders' })).toBe('sales.orders');
  });

  it('quoteTable and parseTableName agree: any name, quoted, reads back as itself (property)', () => {
    // eslint-disable-next-line no-control-regex -- control characters are what this rejects
    const name = fc.string({ minLength: 1, maxLength: 63 }).filter((s) => !/[\u0000-\u001f]/.test(s));
    fc.assert(
      fc.property(name, name, (schema, table) => {
        expect(parseTableName(quoteTable({ schema, table }))).toEqual({ schema, name: table });
      }),
    );
  });

  it('an extract spec takes every form, and a refused one says which forms are accepted', () => {
    const spec = (source: unknown) => SqlExtractSpec.safeParse({ kind: 'sql-extract', source, dataset: { name: 'd' } });
    for (const ok of [{ table: 'orders' }, { table: 'h2."Order Items"' }, { schema: 'h2', table: 'Order Items' }]) {
      expect(spec(ok).success, JSON.stringify(ok)).toBe(true);
    }
    const refused = spec({ table: 'h2.Order Items' });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]).toMatchObject({
      path: ['source', 'table'],
      message: expect.stringMatching(/h2\."Order Items".*a `query` reads anything else/) as unknown,
    });
    expect(tableSpecProblem({ schema: '', table: 't' })).toMatch(/^schema/);
  });
});
