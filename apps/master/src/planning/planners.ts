import type pg from 'pg';
import type { JobKind, JobSpec } from '@partita/contracts';
import type { SnapshotRegistry } from '../extract/snapshots.js';
import { planExtract } from './extract-planner.js';
import { planNoop } from './noop-planner.js';
import type { JobLimits } from './limits.js';
import type { Plan } from './plan.js';
import { listTravelGroups } from './travel-groups.js';
import { planTravel } from './travel-planner.js';

export interface PlannerContext {
  /** The source database (travel `postgres` inputs, extracts), opened on first use. */
  source: () => pg.Pool;
  /** Where an extract's exported snapshot is kept while its job runs. */
  snapshots: SnapshotRegistry;
  /** What one job may hold, from the master's configuration. */
  limits: JobLimits;
  /** Aborts planning: its statements are cancelled (the client went away, or PLAN_TIMEOUT_MS passed). */
  signal?: AbortSignal;
}

export type { JobLimits };

type Planner<K extends JobKind> = (jobId: string, spec: Extract<JobSpec, { kind: K }>, ctx: PlannerContext) => Promise<Plan>;

/** One planner per kind: the mapped type makes a missing kind a compile error. */
const PLANNERS: { [K in JobKind]: Planner<K> } = {
  'travel-plan': async (jobId, spec, ctx) =>
    planTravel(jobId, spec, await listTravelGroups(spec.input, ctx.source, ctx.limits.groups), ctx.limits),
  'sql-extract': planExtract,
  noop: (jobId, spec, ctx) => Promise.resolve(planNoop(jobId, spec, ctx.limits)),
};

export function planJob(jobId: string, spec: JobSpec, ctx: PlannerContext): Promise<Plan> {
  const planner = PLANNERS[spec.kind] as Planner<JobKind>;
  return planner(jobId, spec, ctx);
}
