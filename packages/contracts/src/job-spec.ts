import { z } from 'zod';
import { SqlExtractSpec } from './extract.js';
import { NoopSpec } from './noop.js';
import { TravelPlanSpec } from './travel.js';

/** Every kind's spec; `kind` selects the planner on the master and the handler on the worker. */
export const JobSpec = z.discriminatedUnion('kind', [TravelPlanSpec, SqlExtractSpec, NoopSpec]);
export type JobSpec = z.infer<typeof JobSpec>;
export type JobKind = JobSpec['kind'];
export const JOB_KINDS = JobSpec.options.map((o) => o.shape.kind.value) as readonly JobKind[];
