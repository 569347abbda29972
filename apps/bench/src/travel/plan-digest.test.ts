import { describe, expect, it } from 'vitest';
import { PlanDigest } from './plan-digest.js';

const row = (group: string, person: string, cost: number) => ({
  group_id: group,
  person,
  outbound_depart: 480,
  outbound_arrive: 600,
  outbound_price: 120.5,
  return_depart: 900,
  return_arrive: 1020,
  return_price: 99,
  group_cost: cost,
  algorithm: 'genetic',
});

const digest = (rows: Record<string, unknown>[]) => {
  const d = new PlanDigest();
  rows.forEach((r) => d.add(r));
  return d;
};

describe('PlanDigest', () => {
  it('does not depend on the order of the rows, nor on columns outside the plan', () => {
    const a = [row('g1', 'Ana', 10), row('g1', 'Bo', 10), row('g2', 'Cai', 7.25)];
    expect(digest(a).value()).toBe(digest([...a].reverse()).value());
    expect(digest(a).value()).toBe(digest(a.map((r) => ({ ...r, algorithm: 'other' }))).value());
    expect(digest(a).rows).toBe(3);
  });

  it('changes with any flight or cost of the plan, and with a missing row', () => {
    const a = [row('g1', 'Ana', 10), row('g2', 'Cai', 7.25)];
    const base = digest(a).value();
    expect(digest([row('g1', 'Ana', 10), row('g2', 'Cai', 7.250001)]).value()).not.toBe(base);
    expect(digest([{ ...row('g1', 'Ana', 10), return_depart: 901 }, row('g2', 'Cai', 7.25)]).value()).not.toBe(base);
    expect(digest(a.slice(1)).value()).not.toBe(base);
  });
});
