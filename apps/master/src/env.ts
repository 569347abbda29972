import { z } from 'zod';
import { BoolEnv, ServiceEnv, parseEnv, requireBlobStorage } from '@partita/config';
import { requireApiTokens } from './auth/settings.js';

/** Every setting of the master, read from the environment in this one place and validated at start-up. */
export const MasterEnv = z
  .object({
    ...ServiceEnv,
    /** HTTP port. Default 8080. */
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Listen address. Default 0.0.0.0 (every interface, as in a container). */
    HOST: z.string().default('0.0.0.0'),
    /** Largest accepted request body in bytes. Default 5 MiB. */
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024),
    /**
     * How often the reconciler compares the catalog with the queue, in ms: finalises jobs whose partitions all ended,
     * enqueues jobs recorded but never enqueued, and puts back partitions whose messages the queue lost. Default 5000.
     */
    RECONCILE_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
    /**
     * A running attempt whose heartbeats (every 5 s) stopped this long ago died with its worker: the reconciler takes
     * its partition over, and it runs again at once. A killed worker's partition restarts within this plus
     * RECONCILE_INTERVAL_MS. Default 10000 (two missed beats).
     */
    ATTEMPT_DEAD_AFTER_MS: z.coerce.number().int().min(6000).default(10_000),
    /**
     * Bearer tokens of the API, comma-separated `name:scope:token` entries; scope `read` (list, watch, datasets),
     * `write` (also submit, cancel, retry) or `admin` (also the queue board). A token may be given as `sha256:<hex>` of
     * itself. Required unless API_AUTH is `off`.
     */
    API_TOKENS: z.string().optional(),
    /** `on` (default): every API route but health (and metrics when METRICS_PUBLIC) needs a token. `off`: no auth, for local use only. */
    API_AUTH: z.enum(['on', 'off']).default('on'),
    /** `/metrics` answers without a token. Default true (Prometheus scrapes inside the cluster); false asks for a `read` token. */
    METRICS_PUBLIC: BoolEnv.default(true),
    /** How long a browser session (the job page's and queue board's cookie) lasts, in seconds. Default 43200 (12 hours). */
    SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(2_592_000).default(43_200),
    /** Most partitions (travel partitions, extract chunks) one job may have. Default 10000. */
    MAX_PARTITIONS_PER_JOB: z.coerce.number().int().min(1).default(10_000),
    /** Most travel groups one job may have (generated, inline or read from a table). Default 1000000. */
    MAX_GROUPS_PER_JOB: z.coerce.number().int().min(1).default(1_000_000),
    /** Most source rows one extract may read, as its plan counts or estimates them. Default 1000000000. */
    MAX_ROWS_PER_JOB: z.coerce.number().int().min(1).default(1_000_000_000),
    /**
     * Most partitions not yet ended (queued or running) that one API token's jobs may hold; a submit over it is a 429.
     * Default 200000 (twenty jobs of 10,000 partitions).
     */
    MAX_QUEUED_PARTITIONS_PER_TOKEN: z.coerce.number().int().min(1).default(200_000),
    /**
     * Most source snapshots this master holds for running jobs (each an open transaction, a connection of the source
     * database, from the submit of a job that reads a source until it ends); a submit that needs one more is a 429.
     * Keep it below the source's max_connections minus what the workers use. Default 32.
     */
    MAX_OPEN_SNAPSHOTS: z.coerce.number().int().min(1).max(10_000).default(32),
    /** The longest statement timeout (`statementTimeoutMs`) an extract may ask for, in ms. Default 21600000 (6 hours). */
    MAX_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1).max(86_400_000).default(21_600_000),
    /**
     * How long planning one job may take, in ms: each statement planning runs against the source (describe, count,
     * quantiles) has this statement timeout, and the whole plan is abandoned past it (408). Default 30000.
     */
    PLAN_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  })
  .superRefine(requireBlobStorage)
  .superRefine(requireApiTokens);
export type MasterEnv = z.infer<typeof MasterEnv>;

export function readMasterEnv(source: NodeJS.ProcessEnv = process.env): MasterEnv {
  return parseEnv(MasterEnv, source, 'master');
}
