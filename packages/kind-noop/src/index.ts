import { setTimeout as sleep } from 'node:timers/promises';
import { defineKind, range, z } from '@partita/sdk';

/**
 * Partitions that do nothing but wait `sleepMs`: what Partita itself costs per partition (plan, catalog, queue,
 * worker, fan-in), measured on a real deployment without any work in the way. Its manifest names no files.
 */
export default defineKind({
  name: 'noop',
  version: '1.0.0',
  description: 'Partitions that only wait: what Partita itself costs per partition',
  units: 'partitions',
  spec: z.object({
    /** How long each partition waits, in ms. Default 0: nothing but the platform's own cost. */
    sleepMs: z.int().min(0).max(3_600_000).default(0),
  }),
  // One unit per partition: `partitions` of them.
  input: range((spec: { partitions?: number }) => spec.partitions ?? 16),
  // No progress reports: a partition's items count as done when it succeeds, and a report costs a catalog write.
  run: async (partition, ctx) => {
    if (partition.spec.sleepMs > 0) await sleep(partition.spec.sleepMs, undefined, { signal: ctx.signal });
  },
});
