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

export const PartitionPayload = z.discriminatedUnion('kind', [TravelPartitionPayload]);
export type PartitionPayload = z.infer<typeof PartitionPayload>;
