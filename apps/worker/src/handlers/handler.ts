import type pg from 'pg';
import type { JobKind, PartitionPayload } from '@partita/contracts';
import type { BlobStore } from '@partita/storage';
import type { Logger } from '@partita/telemetry';

/** What a handler gets besides its payload. */
export interface HandlerContext {
  /** The job's validated spec, read from the catalog. */
  spec: Record<string, unknown>;
  output: { container: string; prefix: string };
  attempt: number;
  store: BlobStore;
  /** The source database of `postgres` inputs, opened on first use. */
  source: () => pg.Pool;
  log: Logger;
  /** Aborted when the worker shuts down: stop at the next safe point and throw. */
  signal: AbortSignal;
  /** Items (groups, rows) done so far in this partition. */
  progress(itemsDone: number): void;
}

export interface HandlerResult {
  /** Blob path of the partition's file. */
  file: string;
  rows: number;
  bytes: number;
}

export type PartitionHandler<K extends JobKind> = (
  payload: Extract<PartitionPayload, { kind: K }>,
  ctx: HandlerContext,
) => Promise<HandlerResult>;
