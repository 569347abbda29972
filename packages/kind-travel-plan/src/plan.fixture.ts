import type { TravelPlanSpec } from '@partita/contracts';
import { planKind, type PlanLimits } from '@partita/sdk';
import travel from './index.js';
import type { GroupRef } from './list-groups.js';
import { planGroups } from './plan.js';

/** The travel kind's plan of `spec` over already listed groups, packed as the master packs every kind's units. */
export function planTravel(jobId: string, spec: TravelPlanSpec, groups: readonly GroupRef[], limits: PlanLimits) {
  const kind = { ...travel, input: { ...travel.input, plan: (s: TravelPlanSpec) => planGroups(s, groups, limits.units) } };
  return planKind(kind, spec, {
    jobId,
    source: () => {
      throw new Error('no source');
    },
    exportSnapshot: () => Promise.reject(new Error('no source')),
    keepSnapshot: () => undefined,
    limits,
    signal: new AbortController().signal,
  });
}
