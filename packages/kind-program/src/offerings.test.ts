import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { offeringsOf } from '@partita/sdk';
import kind from './index.js';
import { commandSummary, programOfferings } from './offerings.js';
import { readPrograms } from './registry.js';

const FILE = `
programs:
  - name: forecast
    version: 2.1.0
    description: Holt-Winters forecast per store
    command: [/usr/bin/python3, ./forecast.py, --api-key=s3cret-key]
    env: [PATH, WAREHOUSE_PASSWORD]
    params:
      type: object
      properties: { horizon: { type: integer, minimum: 1 } }
      required: [horizon]
    input: { format: csv }
    timeoutSeconds: 600
    maxOutputBytes: 4096
    output:
      columns: { store: UTF8, day: DATE, forecast: { type: DOUBLE, nullable: true } }
  - name: tally
    command: [/opt/tools/tally]
    output:
      columns: { n: INT64 }
`;

const dirs: string[] = [];
function programsFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'programs-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'programs.yaml'), text);
  return join(dir, 'programs.yaml');
}

afterEach(() => {
  delete process.env['PARTITA_PROGRAMS'];
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the program kind’s offerings: the registered programs', () => {
  it('describes each program: version, description, what it runs, input, limits, params schema and columns', () => {
    const offerings = programOfferings(readPrograms(programsFile(FILE)));
    expect(offerings.noun).toBe('programs');
    expect(offerings.field).toBe('program');
    expect(offerings.items).toEqual([
      {
        name: 'forecast',
        version: '2.1.0',
        description: 'Holt-Winters forecast per store',
        facts: [
          { label: 'runs', value: 'Python · python3 forecast.py (+1 argument)' },
          { label: 'input', value: 'CSV' },
          { label: 'timeout', value: '600 s per partition' },
          { label: 'output limit', value: '4 KiB per partition' },
          { label: 'environment', value: 'PATH, WAREHOUSE_PASSWORD' },
        ],
        params: { type: 'object', properties: { horizon: { type: 'integer', minimum: 1 } }, required: ['horizon'] },
        columns: [
          { name: 'store', type: 'UTF8', nullable: false },
          { name: 'day', type: 'DATE', nullable: false },
          { name: 'forecast', type: 'DOUBLE', nullable: true },
        ],
      },
      {
        name: 'tally',
        facts: [
          { label: 'runs', value: 'executable · tally' },
          { label: 'input', value: 'JSON lines' },
          { label: 'timeout', value: '3600 s per partition' },
          { label: 'output limit', value: '1 GiB per partition' },
          { label: 'environment', value: 'none (cleared)' },
        ],
        params: { type: 'object' },
        columns: [{ name: 'n', type: 'INT64', nullable: false }],
      },
    ]);
  });

  it('never shows an argument’s text, a folder of the operator’s machine or an environment value', () => {
    process.env['WAREHOUSE_PASSWORD'] = 'hunter2-value';
    try {
      const text = JSON.stringify(programOfferings(readPrograms(programsFile(FILE))));
      for (const kept of ['s3cret-key', '--api-key', 'hunter2-value', '/usr/bin', '/opt/tools']) expect(text).not.toContain(kept);
    } finally {
      delete process.env['WAREHOUSE_PASSWORD'];
    }
  });

  it('names the language by the interpreter or the file’s extension, and counts the other arguments', () => {
    expect(commandSummary(['node', './parquet_echo.mjs', '--wrong'])).toBe('JavaScript · node parquet_echo.mjs (+1 argument)');
    expect(commandSummary(['/usr/bin/python3', '-m', 'forecast'])).toBe('Python · python3 (+2 arguments)');
    expect(commandSummary(['/usr/bin/Rscript', 'model.R'])).toBe('R · Rscript model.R');
    expect(commandSummary(['./run.sh', 'a', 'b', 'c'])).toBe('shell · run.sh (+3 arguments)');
    expect(commandSummary(['/opt/bin/score'])).toBe('executable · score');
  });

  it('is the kind’s hook: what the process’s PARTITA_PROGRAMS registers, none without it', () => {
    expect(offeringsOf(kind)).toEqual({ noun: 'programs', field: 'program', items: [] });
    process.env['PARTITA_PROGRAMS'] = programsFile(FILE);
    expect(offeringsOf(kind)?.items.map((p) => [p.name, p.version])).toEqual([
      ['forecast', '2.1.0'],
      ['tally', undefined],
    ]);
  });
});
