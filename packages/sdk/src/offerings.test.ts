import { describe, expect, it } from 'vitest';
import { defineKind, offeringsOf, range, z, type Offerings } from './index.js';

const base = { version: '1.0.0', spec: z.object({ model: z.string() }), input: range((_spec: unknown) => 1), run: async () => undefined };

const models: Offerings = {
  noun: 'models',
  field: 'model',
  items: [
    {
      name: 'churn',
      version: '2024.06',
      description: 'Gradient-boosted churn score',
      facts: [{ label: 'runs', value: 'Python · score.py' }],
      params: { type: 'object', properties: { threshold: { type: 'number' } } },
      columns: [{ name: 'score', type: 'DOUBLE', nullable: false }],
    },
    { name: 'ltv' },
  ],
};

describe('a kind’s offerings: what it offers beyond its spec', () => {
  it('is null for a kind without the hook', () => {
    expect(offeringsOf(defineKind({ ...base, name: 'plain' }))).toBeNull();
  });

  it('answers what the hook returns, every time it is asked (the hook may read a registry that changes)', () => {
    let items = models.items;
    const kind = defineKind({ ...base, name: 'scoring', offerings: () => ({ ...models, items }) });
    expect(offeringsOf(kind)).toEqual(models);
    items = [{ name: 'ltv' }];
    expect(offeringsOf(kind)).toEqual({ noun: 'models', field: 'model', items: [{ name: 'ltv' }] });
  });

  it('keeps only the offering’s own fields, copied: a view never carries what a hook left on its objects', () => {
    const secretive = { name: 'churn', command: ['/opt/score', '--token=s3cret'], env: { TOKEN: 's3cret' } };
    const kind = defineKind({ ...base, name: 'scoring', offerings: () => ({ noun: 'models', field: 'model', items: [secretive] }) });
    const answer = offeringsOf(kind);
    expect(answer).toEqual({ noun: 'models', field: 'model', items: [{ name: 'churn' }] });
    expect(JSON.stringify(answer)).not.toContain('s3cret');
  });

  it('refuses a hook that is not a function when the kind is defined, naming the kind', () => {
    expect(() => defineKind({ ...base, name: 'scoring', offerings: models as never })).toThrow(
      /kind "scoring": offerings must be a function/,
    );
  });

  it('names the kind when its hook throws or answers something malformed', () => {
    const failing = defineKind({
      ...base,
      name: 'scoring',
      offerings: () => {
        throw new Error('registry unreadable');
      },
    });
    expect(() => offeringsOf(failing)).toThrow(/kind "scoring": offerings failed: registry unreadable/);
    const malformed = defineKind({ ...base, name: 'scoring', offerings: () => ({ noun: 'models' }) as never });
    expect(() => offeringsOf(malformed)).toThrow(/kind "scoring": offerings must return \{ noun, field, items \}/);
    const unnamed = defineKind({ ...base, name: 'scoring', offerings: () => ({ ...models, items: [{ name: '' }] }) });
    expect(() => offeringsOf(unnamed)).toThrow(/every item needs a name/);
    const twice = defineKind({ ...base, name: 'scoring', offerings: () => ({ ...models, items: [{ name: 'a' }, { name: 'a' }] }) });
    expect(() => offeringsOf(twice)).toThrow(/"a" is listed twice/);
  });
});
