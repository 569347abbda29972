import type pg from 'pg';
import type { JobKind, JobSpec } from '@partita/contracts';
import type { SnapshotRegistry } from '../extract/snapshots.js';
import { planExtract } from './extract-planner.js';
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
}

/** Per-job limits (MAX_PARTITIONS_PER_JOB, MAX_GROUPS_PER_JOB, MAX_ROWS_PER_JOB). */
export interface JobLimits {
  partitions: number;
  groups: number;
  rows: number;
}

type Planner<K extends JobKind> = (jobId: string, spec: Extract<JobSpec, { kind: K }>, ctx: PlannerContext) => Promise<Plan>;

/** One planner per kind: the mapped type makes a missing kind a compile error. */
const PLANNERS: { [K in JobKind]: Planner<K> } = {
  'travel-plan': async (jobId, spec, ctx) => planTravel(jobId, spec, await listTravelGroups(spec.input, ctx.source)),
  'sql-extract': planExtract,
};

export function planJob(jobId: string, spec: JobSpec, ctx: PlannerContext): Promise<Plan> {
  const planner = PLANNERS[spec.kind] as Planner<JobKind>;
  return planner(jobId, spec, ctx);
}
