import { describe, expect, it } from 'vitest';
import type { KindView } from '@partita/contracts';
import { kindsTable, offeringsTables } from './commands/kinds.js';

const kind = (overrides: Partial<KindView>): KindView => ({
  name: 'noop',
  version: '1.0.0',
  description: 'Partitions that only wait',
  itemNoun: 'partitions',
  queue: 'partitions-noop-v1',
  input: { type: 'range', fixed: false },
  columns: [],
  cpu: false,
  spec: {},
  workers: [],
  ...overrides,
});

describe('partita kinds', () => {
  it('shows each kind with its version, what it counts, its queue and its live workers by version', () => {
    const text = kindsTable({
      items: [
        kind({}),
        kind({
          name: 'echo',
          version: '2.0.0',
          itemNoun: 'numbers',
          queue: 'partitions-echo-v2',
          description: 'echoes',
          workers: [
            { id: 'a', version: '2.0.0' },
            { id: 'b', version: '2.1.0' },
            { id: 'c', version: '2.0.0' },
          ],
        }),
      ],
    });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^kind\s+version\s+counts\s+input\s+queue\s+workers\s+description$/);
    expect(lines.find((l) => l.startsWith('noop'))).toMatch(
      /noop\s+1\.0\.0\s+partitions\s+range\s+partitions-noop-v1\s+none\s+Partitions that only wait/,
    );
    expect(lines.find((l) => l.startsWith('echo'))).toMatch(
      /echo\s+2\.0\.0\s+numbers\s+range\s+partitions-echo-v2\s+3 \(2\.0\.0, 2\.1\.0\)\s+echoes/,
    );
  });

  it('lists what a kind offers beyond its spec (the program kind: its programs), and nothing for kinds without offerings', () => {
    const offerings = {
      noun: 'programs',
      field: 'program',
      items: [
        { name: 'forecast', version: '1.2.0', description: 'Forecasts one store' },
        { name: 'score', description: 'Scores rows' },
      ],
    };
    const [programs, ...rest] = offeringsTables({ items: [kind({}), kind({ name: 'program', offerings })] });
    expect(rest).toEqual([]);
    const lines = programs!.split('\n');
    expect(lines[0]).toBe('program programs (a job picks one by "program")');
    expect(lines[1]).toMatch(/^name\s+version\s+description$/);
    expect(lines.find((l) => l.startsWith('forecast'))).toMatch(/^forecast\s+1\.2\.0\s+Forecasts one store$/);
    expect(lines.find((l) => l.startsWith('score'))).toMatch(/^score\s+Scores rows$/);
    expect(offeringsTables({ items: [kind({ offerings: { ...offerings, items: [] } })] })).toEqual([]);
  });
});
