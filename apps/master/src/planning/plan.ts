import type pg from 'pg';
import { LimitExceededError, type ManifestColumn, type PartitionPayload } from '@partita/contracts';
import { planKind, type Kind, type PlanLimits } from '@partita/sdk';
import { exportSnapshot } from '@partita/extract';
import type { SnapshotRegistry } from '../extract/snapshots.js';

/** A planned partition: its queue message and what the catalog records about it. */
export interface PlannedPartition {
  index: number;
  payload: PartitionPayload;
  /** Items it counts for (the kind's units: groups, rows…). */
  items: number;
  /** Estimated work in relative units. */
  estimatedCost: number;
}

/** The master's plan of a job: the partitions, and where the output goes. Made before anything is written. */
export interface Plan {
  itemsTotal: number;
  partitions: PlannedPartition[];
  output: { container: string; prefix: string };
  /** Facts the workers and the job's status need (extracts: chunking, column plans, snapshot). */
  details?: Record<string, unknown> | undefined;
  /** The columns of the job's files, as its manifest will publish them; empty when it writes none. */
  columns: ManifestColumn[];
  /**
   * What the plan holds open while its job runs (an exported snapshot): kept once the job is accepted, released when
   * it is not (a repeated idempotency key, the queue down).
   */
  lease?: { keep(jobId: string): void; release(): Promise<void> } | undefined;
}

/** Per-job limits (MAX_PARTITIONS_PER_JOB, MAX_GROUPS_PER_JOB, MAX_ROWS_PER_JOB, MAX_STATEMENT_TIMEOUT_MS, PLAN_TIMEOUT_MS). */
export interface JobLimits extends PlanLimits {
  /** Most partitions not yet ended that one API token may have. */
  queuedPartitionsPerToken: number;
  /** Most source snapshots this master holds for running jobs (MAX_OPEN_SNAPSHOTS). */
  openSnapshots: number;
}

export interface PlannerContext {
  /** The source database, read by the reader role. */
  source: () => pg.Pool;
  /** Where a job's exported snapshot is kept while its job runs. */
  snapshots: SnapshotRegistry;
  limits: JobLimits;
  /** Aborts planning: its statements are cancelled (the client went away, or PLAN_TIMEOUT_MS passed). */
  signal: AbortSignal;
}

/**
 * Plans a job of any kind the same way: the kind's input makes the units, the job's partitioner packs them, each
 * partition becomes one queue message carrying its units' references.
 */
export async function planJob(jobId: string, kind: Kind, spec: Record<string, unknown>, ctx: PlannerContext): Promise<Plan> {
  const planned = await planKind(kind, spec, {
    jobId,
    source: ctx.source,
    exportSnapshot: () => {
      const held = ctx.snapshots.size;
      if (held >= ctx.limits.openSnapshots) {
        const message =
          `this master holds ${held} source snapshots for running jobs, its limit (MAX_OPEN_SNAPSHOTS): a job that reads ` +
          'a source holds one until it ends; retry when some have finished';
        return Promise.reject(new LimitExceededError(message, [{ path: 'kind', message }]));
      }
      return exportSnapshot(ctx.source());
    },
    keepSnapshot: (id, snapshot, countSql) => ctx.snapshots.keep(id, snapshot as Parameters<SnapshotRegistry['keep']>[1], countSql),
    limits: ctx.limits,
    signal: ctx.signal,
  });
  try {
    const output = spec['output'] as { container: string };
    const details = planned.details;
    return {
      itemsTotal: planned.itemsTotal,
      partitions: planned.partitions.map((p) => ({
        index: p.index,
        payload: { kind: kind.name, jobId, index: p.index, units: p.units },
        items: p.items,
        estimatedCost: p.estimatedCost,
      })),
      output: { container: output.container, prefix: planned.prefix },
      details,
      columns: kind.columnsOf(spec, details ?? null),
      lease: planned.lease,
    };
  } catch (err) {
    await planned.lease?.release();
    throw err;
  }
}
