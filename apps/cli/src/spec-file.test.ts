import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecFileError, detectFormat, formatFromPath, parseObjects, parseSpec, readObjectsFile, readSpecFile } from './spec-file.js';

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

  describe('one or more objects', () => {
    const P = { noun: 'pipeline', listKey: 'pipelines' };

    it('reads one object, a list, a wrapping object and YAML documents alike', () => {
      expect(parseObjects('name: a\n', 'yaml', 'p.yaml', P)).toEqual([{ name: 'a' }]);
      expect(parseObjects('[{"name": "a"}, {"name": "b"}]', 'json', 'p.json', P)).toEqual([{ name: 'a' }, { name: 'b' }]);
      expect(parseObjects('- name: a\n- name: b\n', null, 'stdin', P)).toEqual([{ name: 'a' }, { name: 'b' }]);
      expect(parseObjects('{"pipelines": [{"name": "a"}]}', null, 'stdin', P)).toEqual([{ name: 'a' }]);
      expect(parseObjects('---\nname: a\n---\nname: b\n---\n', 'yaml', 'p.yaml', P)).toEqual([{ name: 'a' }, { name: 'b' }]);
      expect(parseObjects('name: a\n---\n', 'yaml', 'p.yaml', P)).toEqual([{ name: 'a' }]);
    });

    it('wants objects, and at least one', () => {
      expect(() => parseObjects('', null, 'stdin', P)).toThrow('stdin is empty');
      expect(() => parseObjects('# nothing\n', 'yaml', 'p.yaml', P)).toThrow('p.yaml holds no pipeline');
      expect(() => parseObjects('[]', 'json', 'p.json', P)).toThrow('p.json holds no pipeline');
      expect(() => parseObjects('42', 'json', 'p.json', P)).toThrow(
        'p.json must hold one pipeline (an object), a list of them or {"pipelines": [...]}, not a number',
      );
      expect(() => parseObjects('[{"name": "a"}, [1]]', 'json', 'p.json', P)).toThrow(
        'p.json: item 2 of the list must be one pipeline (an object), not a list',
      );
      expect(() => parseObjects('name: a\n---\n- 1\n', 'yaml', 'p.yaml', P)).toThrow(
        'p.yaml: document 2 must be one pipeline (an object), not a list',
      );
      expect(() => parseObjects('{"pipelines": {}}', 'json', 'p.json', P)).toThrow('p.json: "pipelines" must be a list, not an object');
      expect(() => parseObjects('pipelines: []\nname: a\n', 'yaml', 'p.yaml', P)).toThrow(/nothing else, found "name"/);
      expect(() => parseObjects('- 1\n', 'yaml', 'p.yaml', { noun: 'thing' })).toThrow(/not a number/);
      expect(() => parseObjects('{"a": 1}', null, 'p', { noun: 'thing' })).not.toThrow();
    });

    it('names the document of a YAML syntax error', () => {
      expect(() => parseObjects('name: a\n---\nname: [b\n', 'yaml', 'p.yaml', P)).toThrow(/p\.yaml \(document 2\) is not valid YAML/);
      expect(() => parseObjects('{"name": "a",}', 'json', 'p.json', P)).toThrow(/p\.json is not valid JSON/);
    });

    it('reads files and stdin', async () => {
      await writeFile(join(dir, 'p.yml'), '---\nname: a\n---\nname: b\n');
      expect(await readObjectsFile(join(dir, 'p.yml'), P)).toEqual([{ name: 'a' }, { name: 'b' }]);
      expect(await readObjectsFile('-', P, Readable.from(['[{"name": "a"}]']))).toEqual([{ name: 'a' }]);
      await expect(readObjectsFile(join(dir, 'missing.yaml'), P)).rejects.toThrow(SpecFileError);
    });
  });
});
