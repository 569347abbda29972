import { z } from 'zod';
import { DatasetSpec, MAX_PARTITIONS, OutputSpec, RetrySpec } from './common.js';

/**
 * A job whose partitions do nothing but wait `sleepMs`: what Partita itself costs per partition (plan, catalog, queue,
 * worker, fan-in), measured on a real deployment without any work in the way. Its manifest names no files.
 */
export const NoopSpec = z.strictObject({
  kind: z.literal('noop'),
  /** Partitions (queue messages). Default 16. */
  partitions: z.int().min(1).max(MAX_PARTITIONS).default(16),
  /** How long each partition waits, in ms. Default 0: nothing but the platform's own cost. */
  sleepMs: z.int().min(0).max(3_600_000).default(0),
  output: OutputSpec.default({ container: 'results' }),
  dataset: DatasetSpec.optional(),
  retry: RetrySpec.default({ attempts: 3, backoffMs: 1000 }),
});
export type NoopSpec = z.infer<typeof NoopSpec>;
