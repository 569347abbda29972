import { z } from 'zod';

/** One chunk of an extract: a half-open key range (bounds as PostgreSQL text), or a range of heap blocks. */
export const ExtractChunk = z.discriminatedUnion('kind', [
  z.strictObject({
    index: z.int().min(0),
    kind: z.literal('key'),
    key: z.string().min(1),
    /** Inclusive; null: unbounded below. */
    lower: z.string().nullable(),
    /** Exclusive; null: unbounded above (and rows whose key is NULL). */
    upper: z.string().nullable(),
    estimatedRows: z.number().min(0),
  }),
  z.strictObject({
    index: z.int().min(0),
    kind: z.literal('blocks'),
    fromBlock: z.int().min(0),
    /** Exclusive; null: to the end of the table. */
    toBlock: z.int().min(0).nullable(),
    estimatedRows: z.number().min(0),
  }),
]);
export type ExtractChunk = z.infer<typeof ExtractChunk>;

/** A snapshot id as `pg_export_snapshot()` returns it. */
export const SnapshotId = z.string().regex(/^[0-9A-F]+-[0-9A-F]+(?:-[0-9A-F]+)?$/, 'must be a pg_export_snapshot() id');

/**
 * One queue message: a partition of a job. It carries references only: the job id (the worker reads the spec from the
 * catalog), the partition's index, and its units as the kind's input encoded them (index ranges, group keys, a key
 * range); never secrets or bulk data. The kind's input validates `units` on the worker.
 */
export const PartitionPayload = z.strictObject({
  kind: z.string().min(1).max(63),
  jobId: z.uuid(),
  index: z.int().min(0),
  units: z.unknown(),
});
export type PartitionPayload = z.infer<typeof PartitionPayload>;
