import type pg from 'pg';
import type { FileView, JobKind, PartitionPayload } from '@partita/contracts';
import type { BlobStore } from '@partita/storage';
import type { Logger } from '@partita/telemetry';
import type { OptimizerPool } from './travel-plan/optimizer-pool.js';

/** What a handler gets besides its payload. */
export interface HandlerContext {
  /** The job's validated spec, read from the catalog. */
  spec: Record<string, unknown>;
  /** What the master's planner recorded for the workers (extracts: column plans, snapshot), or null. */
  details: Record<string, unknown> | null;
  output: { container: string; prefix: string };
  attempt: number;
  store: BlobStore;
  /** The source database (travel `postgres` inputs, extracts), opened on first use. */
  source: () => pg.Pool;
  log: Logger;
  /** Threads that optimise travel groups off the event loop. */
  optimizers: OptimizerPool;
  /** Aborted when the worker shuts down: stop at the next safe point and throw. */
  signal: AbortSignal;
  /** Items (groups, rows) done so far in this partition. */
  progress(itemsDone: number): void;
}

export interface HandlerResult {
  /** The partition's files (blob paths), with their rows and bytes. */
  files: FileView[];
  /** Extracts: the chunk read a snapshot of its own instead of the job's. */
  ownSnapshot?: boolean;
}

export type PartitionHandler<K extends JobKind> = (
  payload: Extract<PartitionPayload, { kind: K }>,
  ctx: HandlerContext,
) => Promise<HandlerResult>;
