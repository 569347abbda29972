// Every group's own work, measured once in a process of its own: the basis of the balance suite's lower bound and
// simulated makespans.
import { generateGroup } from '@partita/travel';
import { generatedRoutes, planGroup } from './group-work.js';
import { PlanDigest } from './plan-digest.js';
import type { TravelWorkload } from './workload.js';

export interface GroupTimes {
  /** `ms[i]`: the time of group i's optimisation and rows, as a worker's optimiser thread spends it. */
  ms: number[];
  rows: number;
  /** Digest of the rows made (see PlanDigest). */
  digest: string;
}

/**
 * Times each group of `workload` once, in index order, after `warmUp` untimed groups (code compiled first).
 * The group and its routes are made before its clock starts: a worker makes them outside the optimiser thread.
 */
export function measureGroupTimes(workload: TravelWorkload, warmUp: number): GroupTimes {
  const routes = generatedRoutes(workload.seed);
  for (let i = 0; i < Math.min(warmUp, workload.groups); i++) planGroup(generateGroup(workload.seed, i), routes, workload.optimizer);
  const digest = new PlanDigest();
  const ms: number[] = [];
  for (let i = 0; i < workload.groups; i++) {
    const group = generateGroup(workload.seed, i);
    for (const t of group.travellers) {
      routes(t.origin, group.destination);
      routes(group.destination, t.origin);
    }
    const t0 = performance.now();
    const rows = planGroup(group, routes, workload.optimizer);
    ms.push(performance.now() - t0);
    rows.forEach((row) => digest.add(row));
  }
  return { ms, rows: digest.rows, digest: digest.value() };
}
