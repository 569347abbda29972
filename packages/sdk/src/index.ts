/*
 * @partita/sdk: write a kind, the per-partition logic Partita runs.
 *
 *   export default defineKind({
 *     name: 'churn-score', version: '1.0.0',
 *     spec: z.object({ ... }),                       // the kind's own fields
 *     input: grid((spec) => ({ ... })),              // or range, list, custom
 *     output: { columns: { customer_id: 'INT64', score: 'DOUBLE' } },
 *     run: async (partition, ctx) => { for (const item of partition.items) await ctx.write(...); },
 *   });
 *
 * See docs/kinds.md.
 */
export { PermanentError, TransientError } from '@partita/contracts';
export type { OutputColumn } from '@partita/contracts';
export { defineKind, isKind, KIND_NAME, KIND_VERSION } from './kind.js';
export type { Envelope, Kind, KindConfig, KindSpec, OutputDecl, Partition } from './kind.js';
export { offeringsOf } from './offerings.js';
export type { Offering, OfferingFact, Offerings } from './offerings.js';
export { custom, grid, list, range } from './input.js';
export type { GridPoint, Input, Items } from './input.js';
export { DEFAULT_MAX_GROUP_ROWS, groupsOf } from './groups-of.js';
export { chunksOf } from './chunks-of.js';
export type { ChunkCount, ChunkRows, ChunkSource, ChunksOfOptions } from './chunks-of.js';
export type { Group, GroupSource, Groups, GroupsOfOptions } from './groups-of.js';
export type { RowValue } from '@partita/extract';
export { toOutputColumns } from './columns.js';
export { checkPartitionCount, overLimit } from './limits.js';
export type { ColumnDecl, ColumnType, ColumnsDecl, RowOf } from './columns.js';
export type {
  FileUpload,
  InputPlan,
  KindLogger,
  OpenContext,
  PlanContext,
  PlanLimits,
  PlanUnit,
  RunContext,
  RunResult,
  SourceSnapshot,
} from './context.js';
export { runJob, runPartition, runSequentially } from './testing.js';
export { planKind } from './plan.js';
export type { KindPlan, PlannedUnits } from './plan.js';
export type { PartitionRun, RunOptions } from './testing.js';
export { z } from 'zod';
