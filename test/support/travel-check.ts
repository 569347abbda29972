import { expect } from 'vitest';
import { buildProblem, scheduleCost, type Flight, type Group, type PlanRow } from '@partita/travel';

/** A travel-plan output row as the independent reader returns it. */
export type TravelRow = PlanRow;

/**
 * Checks a travel job's rows against the groups it was given: every traveller of every group exactly once, every
 * itinerary made of real flights of the traveller's routes, and every group's cost recomputed from those flights.
 */
export function checkTravelRows(
  rows: readonly TravelRow[],
  groups: readonly Group[],
  routeFlights: (origin: string, destination: string) => readonly Flight[],
): void {
  const byGroup = new Map<string, TravelRow[]>();
  for (const row of rows) {
    const list = byGroup.get(row.group_id);
    if (list) list.push(row);
    else byGroup.set(row.group_id, [row]);
  }
  expect(new Set(byGroup.keys())).toEqual(new Set(groups.map((g) => g.id)));
  expect(rows.length).toBe(groups.reduce((n, g) => n + g.travellers.length, 0));

  for (const group of groups) {
    const groupRows = byGroup.get(group.id)!;
    const persons = groupRows.map((r) => r.person).sort();
    expect(persons, `travellers of ${group.id}`).toEqual(group.travellers.map((t) => t.name).sort());
    const problem = buildProblem(group, routeFlights);
    const plan: number[] = [];
    group.travellers.forEach((t, i) => {
      const row = groupRows.find((r) => r.person === t.name)!;
      expect(row.origin).toBe(t.origin);
      expect(row.destination).toBe(group.destination);
      const out = problem.outbound[i]!.findIndex(
        (f) => f.depart === row.outbound_depart && f.arrive === row.outbound_arrive && f.price === row.outbound_price,
      );
      const ret = problem.inbound[i]!.findIndex(
        (f) => f.depart === row.return_depart && f.arrive === row.return_arrive && f.price === row.return_price,
      );
      expect(out, `outbound flight of ${group.id}/${t.name} exists on ${t.origin}->${group.destination}`).toBeGreaterThanOrEqual(0);
      expect(ret, `return flight of ${group.id}/${t.name} exists on ${group.destination}->${t.origin}`).toBeGreaterThanOrEqual(0);
      plan.push(out, ret);
    });
    const cost = scheduleCost(problem, plan);
    for (const row of groupRows) {
      expect(row.group_cost, `cost of ${group.id}`).toBeCloseTo(cost, 6);
      expect(row.group_size).toBe(group.travellers.length);
    }
  }
}
