import { z } from 'zod';

/** Inclusive index ranges `[first, last]`: how a generated input's groups travel in a queue message. */
export const IndexRanges = z.array(z.tuple([z.int().min(0), z.int().min(0)])).min(1);

/** The groups of one travel partition: generator indices, or group ids of an inline or PostgreSQL input. */
export const GroupRefs = z.union([z.strictObject({ ranges: IndexRanges }), z.strictObject({ ids: z.array(z.string().min(1)).min(1) })]);
export type GroupRefs = z.infer<typeof GroupRefs>;

/**
 * One queue message. It carries references only: the job id (the worker reads the spec from the catalog),
 * the partition index and the partition's items; never secrets or bulk data.
 */
export const TravelPartitionPayload = z.strictObject({
  kind: z.literal('travel-plan'),
  jobId: z.uuid(),
  index: z.int().min(0),
  groups: GroupRefs,
});
export type TravelPartitionPayload = z.infer<typeof TravelPartitionPayload>;

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

export const SqlExtractPartitionPayload = z.strictObject({
  kind: z.literal('sql-extract'),
  jobId: z.uuid(),
  index: z.int().min(0),
  chunk: ExtractChunk,
  /** The master's exported snapshot every chunk reads; null when none could be exported. */
  snapshot: SnapshotId.nullable(),
});
export type SqlExtractPartitionPayload = z.infer<typeof SqlExtractPartitionPayload>;

/** A partition of a `noop` job: nothing but its place. */
export const NoopPartitionPayload = z.strictObject({
  kind: z.literal('noop'),
  jobId: z.uuid(),
  index: z.int().min(0),
});
export type NoopPartitionPayload = z.infer<typeof NoopPartitionPayload>;

export const PartitionPayload = z.discriminatedUnion('kind', [TravelPartitionPayload, SqlExtractPartitionPayload, NoopPartitionPayload]);
export type PartitionPayload = z.infer<typeof PartitionPayload>;
