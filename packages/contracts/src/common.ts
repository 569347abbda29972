import { z } from 'zod';
import { TABLE_NAME_FORMS, parseTableName } from './table-name.js';

/** What PostgreSQL cannot store in text or jsonb (the catalog keeps every spec): NUL, and UTF-16 surrogates not in a pair. */
// eslint-disable-next-line no-control-regex -- NUL is one of the characters this finds
export const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Free text of a spec: any string the catalog can store. */
export const Text = z.string().refine((s) => !UNSTORABLE_TEXT.test(s), 'must not contain NUL characters or unpaired UTF-16 surrogates');

/** Azure container rules: 3–63 characters, lowercase letters, digits and single hyphens, starting and ending alphanumeric. */
export const ContainerName = z
  .string()
  .min(3)
  .max(63)
  .regex(
    /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/,
    'must be lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
  );

/** A relative blob path prefix: segments of letters, digits, `._-=`, joined by `/`; no `..`, no leading or trailing slash. */
export const BlobPrefix = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_=.-]+(?:\/[A-Za-z0-9_=.-]+)*$/, 'must be path segments of letters, digits and ._-= joined by /')
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain . or .. segments');

/** Where a job's Parquet files and manifest go: `<container>/<prefix>/<job id>/`. */
export const OutputSpec = z.strictObject({
  /** Blob container; created when missing. Default `results`. */
  container: ContainerName.default('results'),
  /** Path prefix inside the container. Default: the job's kind. */
  prefix: BlobPrefix.optional(),
});
export type OutputSpec = z.infer<typeof OutputSpec>;

/** A registered dataset's name. */
export const DatasetName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must start with a letter or digit and contain only letters, digits and ._-');

/** Free-form labels of a dataset. */
export const Tags = z.record(Text.min(1).max(128), Text.max(256)).refine((t) => Object.keys(t).length <= 64, 'at most 64 tags');

/** The registered dataset the manifest describes. */
export const DatasetSpec = z.strictObject({
  name: DatasetName,
  description: Text.max(4000).default(''),
  tags: Tags.default({}),
});
export type DatasetSpec = z.infer<typeof DatasetSpec>;

/** Upper bound on partitions per job: enough for fine-grained dynamic balancing, small enough to plan in well under a second. */
export const MAX_PARTITIONS = 10_000;

export const PartitionerName = z.enum(['hash', 'round-robin', 'cost-aware']);
export type PartitionerName = z.infer<typeof PartitionerName>;

/** How often a partition is tried before it fails the job, and the backoff between tries. */
export const RetrySpec = z.strictObject({
  /** Total attempts per partition, the first included. Default 3. */
  attempts: z.int().min(1).max(20).default(3),
  /** Base of the exponential backoff between attempts, in ms. Default 1000. */
  backoffMs: z.int().min(0).max(600_000).default(1000),
});
export type RetrySpec = z.infer<typeof RetrySpec>;

/**
 * A table such as `travellers`, `public.travellers` or `h2."Order Items"` (see table-name.ts); quoted before use,
 * never interpolated raw.
 */
export const TableName = z
  .string()
  .max(300)
  .refine((name) => parseTableName(name) !== null, TABLE_NAME_FORMS);
