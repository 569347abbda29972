import { describe, expect, it } from 'vitest';
import { calledFunctions, callsIn } from './source-functions.js';

describe('function calls in a deparsed plan', () => {
  it('finds plain, qualified and quoted names directly followed by "("', () => {
    expect(callsIn(`nextval('seq'::regclass)`)).toEqual([{ schema: null, name: 'nextval' }]);
    expect(callsIn(`s1.w()`)).toEqual([{ schema: 's1', name: 'w' }]);
    expect(callsIn(`"Ümlaut ""x"""."My Func"(t.id, lower(t.v))`)).toEqual([
      { schema: 'Ümlaut "x"', name: 'My Func' },
      { schema: null, name: 'lower' },
    ]);
    expect(callsIn(`(random() > '0.5'::double precision)`)).toEqual([{ schema: null, name: 'random' }]);
  });

  it('ignores string literals; a type modifier after "::" reads as a call of the type name, which is harmless', () => {
    expect(callsIn(`(t.v = 'set_config(''a'', ''b'', false)'::text)`)).toEqual([]);
    expect(callsIn(`(t.n)::numeric(5,2)`)).toEqual([{ schema: null, name: 'numeric' }]);
  });

  it('does not take keywords followed by a space, or identifiers not followed by "(", for calls', () => {
    expect(callsIn(`(t.id = ANY ('{1,2}'::integer[]))`)).toEqual([]);
    expect(callsIn(`t.set_config`)).toEqual([]);
  });

  it('walks every string of the plan, once per distinct call', () => {
    const plan = [
      {
        Plan: {
          'Node Type': 'Seq Scan',
          Output: ['t.id', "set_config('search_path'::text, 'x'::text, false)"],
          Filter: '(lower(t.v) <> upper(t.v))',
          Plans: [{ 'Node Type': 'Function Scan', 'Function Call': 's.w()' }, { Output: ['lower(t.v)'] }],
        },
      },
    ];
    expect(calledFunctions(plan)).toEqual([
      { schema: null, name: 'set_config' },
      { schema: null, name: 'lower' },
      { schema: null, name: 'upper' },
      { schema: 's', name: 'w' },
    ]);
  });
});
