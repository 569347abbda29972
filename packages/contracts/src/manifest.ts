import { z } from 'zod';
import { Timings } from './views.js';

export const ManifestColumn = z.object({ name: z.string(), type: z.string(), nullable: z.boolean() });

/**
 * `_manifest.json`, written last: the registered dataset. Only the files it lists belong to the result;
 * anything else under the job's prefix (an abandoned attempt) is not part of it.
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
});
export type Manifest = z.infer<typeof Manifest>;
