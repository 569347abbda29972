import { describe, expect, it } from 'vitest';
import { TravelPlanSpec } from '@partita/contracts';
import { generateGroup, generateRoute } from '@partita/travel';
import { NOTEBOOK_GENERATIONS, NOTEBOOK_GROUP_SIZE, NOTEBOOK_GROUPS, notebookGroups, notebookSpec, runSequential } from './notebook.js';

describe('notebookGroups', () => {
  it('are the first generated groups of the pinned size, unchanged', () => {
    const groups = notebookGroups(42);
    expect(groups).toHaveLength(NOTEBOOK_GROUPS);
    for (const g of groups) {
      expect(g.travellers).toHaveLength(NOTEBOOK_GROUP_SIZE);
      expect(g).toEqual(generateGroup(42, Number(g.id.slice(1))));
    }
    const indices = groups.map((g) => Number(g.id.slice(1)));
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    const first = indices[0]!;
    for (let i = 0; i < first; i++) expect(generateGroup(42, i).travellers).not.toHaveLength(NOTEBOOK_GROUP_SIZE);
  });
});

describe('notebookSpec', () => {
  const spec = TravelPlanSpec.parse({ ...notebookSpec(42), output: { container: 'results', prefix: 'notebook' } });

  it('is a valid job: genetic with the pinned generations and the book defaults otherwise, a partition per group', () => {
    expect(spec.optimizer).toMatchObject({
      algorithm: 'genetic',
      maxiter: NOTEBOOK_GENERATIONS,
      popsize: 50,
      mutprob: 0.2,
      elite: 0.2,
      step: 1,
    });
    expect(spec.partitions).toBe(NOTEBOOK_GROUPS);
  });

  it('carries every route of every traveller, each once and as generated', () => {
    if (!('inline' in spec.input)) throw new Error('not inline');
    const { groups, flights } = spec.input.inline;
    expect(groups).toHaveLength(NOTEBOOK_GROUPS);
    const byRoute = new Map<string, unknown[]>();
    for (const f of flights) byRoute.set(`${f.origin}>${f.destination}`, [...(byRoute.get(`${f.origin}>${f.destination}`) ?? []), f]);
    for (const g of groups) {
      for (const t of g.travellers) {
        expect(byRoute.get(`${t.origin}>${g.destination}`)).toEqual(generateRoute(42, t.origin, g.destination));
        expect(byRoute.get(`${g.destination}>${t.origin}`)).toEqual(generateRoute(42, g.destination, t.origin));
      }
    }
  });
});

describe('runSequential', () => {
  it('plans every group and times it', () => {
    const { ms } = runSequential({ ...notebookSpec(42), optimizer: { algorithm: 'genetic', maxiter: 1 } });
    expect(ms).toBeGreaterThan(0);
  });

  it('fails on a route the spec lacks', () => {
    const spec = notebookSpec(42);
    if (!('inline' in spec.input)) throw new Error('not inline');
    const inline = spec.input.inline;
    const g = inline.groups[0]!;
    const t = g.travellers[0]!;
    const flights = inline.flights.filter((f) => !(f.origin === t.origin && f.destination === g.destination));
    expect(() => runSequential({ ...spec, input: { inline: { ...inline, flights } } })).toThrow(/no flights on route/);
  });
});
