import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecFileError, detectFormat, formatFromPath, parseSpec, readSpecFile } from './spec-file.js';

const SPEC = {
  kind: 'travel-plan',
  input: { generate: { groups: 300, seed: 7 } },
  optimizer: { algorithm: 'genetic', restarts: 2 },
  partitions: 8,
  output: { container: 'results', prefix: 'cli' },
  dataset: { name: 'cli-travel', description: 'a: colon, and # not a comment', tags: { team: 'ops' } },
};

const YAML_SPEC = `# a travel plan
kind: travel-plan
input:
  generate: { groups: 300, seed: 7 }
optimizer:
  algorithm: genetic
  restarts: 2
partitions: 8
output:
  container: results
  prefix: cli
dataset:
  name: cli-travel
  description: "a: colon, and # not a comment"
  tags:
    team: ops
`;

describe('spec files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'partita-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('picks the format by extension, else detects it', () => {
    expect(formatFromPath('a/job.json')).toBe('json');
    expect(formatFromPath('job.YAML')).toBe('yaml');
    expect(formatFromPath('job.yml')).toBe('yaml');
    expect(formatFromPath('-')).toBeNull();
    expect(formatFromPath('job.txt')).toBeNull();
    expect(detectFormat('  \n{"kind": "x"}')).toBe('json');
    expect(detectFormat('\uFEFF{"kind": "x"}')).toBe('json');
    expect(detectFormat('kind: x')).toBe('yaml');
  });

  it('reads the same spec from YAML and JSON', () => {
    expect(parseSpec(YAML_SPEC, 'yaml', 'job.yaml')).toEqual(SPEC);
    expect(parseSpec(JSON.stringify(SPEC), 'json', 'job.json')).toEqual(SPEC);
    expect(parseSpec(YAML_SPEC, null, 'stdin')).toEqual(SPEC);
    expect(parseSpec(JSON.stringify(SPEC, null, 2), null, 'stdin')).toEqual(SPEC);
  });

  it('reads YAML 1.2: times of day and yes/no stay strings', () => {
    expect(parseSpec('kind: x\ndepart: 10:30\nflag: no\nn: 012', 'yaml', 's')).toEqual({ kind: 'x', depart: '10:30', flag: 'no', n: 12 });
  });

  it('names the file and the place of a syntax error', () => {
    expect(() => parseSpec('{"kind": "x",}', 'json', 'job.json')).toThrow(/job\.json is not valid JSON/);
    expect(() => parseSpec('kind: [x\n', 'yaml', 'job.yaml')).toThrow(/job\.yaml is not valid YAML: .*at line \d+, column \d+/s);
    expect(() => parseSpec('kind: a\nkind: b\n', 'yaml', 'job.yaml')).toThrow(SpecFileError);
  });

  it('wants one object', () => {
    expect(() => parseSpec('', null, 'stdin')).toThrow('stdin is empty');
    expect(() => parseSpec('- a\n- b\n', 'yaml', 'job.yaml')).toThrow(/not a list/);
    expect(() => parseSpec('42', 'json', 'job.json')).toThrow(/not a number/);
    expect(() => parseSpec('null', 'json', 'job.json')).toThrow(/not null/);
  });

  it('reads files and stdin', async () => {
    await writeFile(join(dir, 'job.yaml'), YAML_SPEC);
    await writeFile(join(dir, 'job.json'), JSON.stringify(SPEC));
    expect(await readSpecFile(join(dir, 'job.yaml'))).toEqual(SPEC);
    expect(await readSpecFile(join(dir, 'job.json'))).toEqual(SPEC);
    expect(await readSpecFile('-', Readable.from([Buffer.from(YAML_SPEC.slice(0, 40)), Buffer.from(YAML_SPEC.slice(40))]))).toEqual(SPEC);
    await expect(readSpecFile(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read .*missing\.yaml: no such file/);
    await expect(readSpecFile(dir)).rejects.toThrow(/is a directory/);
  });
});
