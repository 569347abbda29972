import type pg from 'pg';
import type { JobKind, JobSpec } from '@partita/contracts';
import type { Plan } from './plan.js';
import { listTravelGroups } from './travel-groups.js';
import { planTravel } from './travel-planner.js';

export interface PlannerContext {
  /** The source database of `postgres` inputs, opened on first use. */
  source: () => pg.Pool;
}

type Planner<K extends JobKind> = (jobId: string, spec: Extract<JobSpec, { kind: K }>, ctx: PlannerContext) => Promise<Plan>;

/** One planner per kind: the mapped type makes a missing kind a compile error. */
const PLANNERS: { [K in JobKind]: Planner<K> } = {
  'travel-plan': async (jobId, spec, ctx) => planTravel(jobId, spec, await listTravelGroups(spec.input, ctx.source)),
};

export function planJob(jobId: string, spec: JobSpec, ctx: PlannerContext): Promise<Plan> {
  const planner = PLANNERS[spec.kind] as Planner<JobKind>;
  return planner(jobId, spec, ctx);
}
