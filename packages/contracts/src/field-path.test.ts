import { describe, expect, it } from 'vitest';
import { fieldPath, pointerKeys } from './errors.js';

describe('fieldPath', () => {
  it('dots keys and brackets indices, from zod paths', () => {
    expect(fieldPath(['output', 'container'])).toBe('output.container');
    expect(fieldPath(['pipelines', 2, 'entries', 0])).toBe('pipelines[2].entries[0]');
    expect(fieldPath([0, 'name'])).toBe('[0].name');
  });

  it('reads JSON Pointers (ajv and Fastify instancePath) the same way', () => {
    expect(fieldPath('/pipelines/2/entries/0')).toBe('pipelines[2].entries[0]');
    expect(fieldPath('/source/columns/0')).toBe(fieldPath(['source', 'columns', 0]));
    expect(pointerKeys('/a~1b/c~0d/10')).toEqual(['a/b', 'c~d', 10]);
  });

  it('names the whole value (body) unless told otherwise', () => {
    expect(fieldPath([])).toBe('(body)');
    expect(fieldPath('')).toBe('(body)');
    expect(fieldPath([], '(root)')).toBe('(root)');
  });
});
