import { z } from 'zod';
import { Timings } from './views.js';

export const ManifestColumn = z.object({
  name: z.string(),
  /** Parquet type (logical where one applies): UTF8, DATE, TIMESTAMP_MICROS, DECIMAL… */
  type: z.string(),
  nullable: z.boolean(),
  precision: z.int().optional(),
  scale: z.int().optional(),
  /** Extracts: the PostgreSQL type the column was read from. */
  pgType: z.string().optional(),
});

/**
 * `_manifest.json`, written last: the registered dataset. Only the files it lists belong to the result; the fan-in
 * deletes what abandoned attempts left beside them before writing it, and anything that appears there later (an attempt
 * presumed dead that was still running) is not part of it.
 */
export const Manifest = z.object({
  version: z.literal(1),
  jobId: z.uuid(),
  kind: z.string(),
  createdAt: z.string(),
  finishedAt: z.string(),
  dataset: z.object({ name: z.string(), description: z.string(), tags: z.record(z.string(), z.string()) }),
  spec: z.unknown(),
  schema: z.array(ManifestColumn),
  files: z.array(z.object({ path: z.string(), partition: z.int(), rows: z.int(), bytes: z.int() })),
  rows: z.int(),
  bytes: z.int(),
  timings: Timings,
  /** Extracts: what was read, in which snapshot, and the completeness check (rows written = rows in the snapshot). */
  source: z
    .object({
      database: z.string(),
      table: z.string().optional(),
      query: z.string().optional(),
      where: z.string().optional(),
      key: z.string().nullable(),
      method: z.enum(['quantiles', 'blocks']),
      snapshot: z.object({ id: z.string().nullable(), mode: z.enum(['exported', 'per-chunk']), ownSnapshotChunks: z.array(z.int()) }),
      sourceRows: z.int().nullable(),
      rowsWritten: z.int(),
    })
    .optional(),
});
export type Manifest = z.infer<typeof Manifest>;
export type ManifestColumn = z.infer<typeof ManifestColumn>;
