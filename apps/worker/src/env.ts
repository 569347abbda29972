import { hostname } from 'node:os';
import { z } from 'zod';
import { ServiceEnv, parseEnv, requireBlobStorage } from '@partita/config';

/** Every setting of a worker, read from the environment in this one place and validated at start-up. */
export const WorkerEnv = z
  .object({
    ...ServiceEnv,
    /**
     * Partitions of each kind this process runs at once (one queue consumer per kind in WORKER_KINDS). Default 1: travel
     * work is CPU-bound, so run one worker process per core, and set WORKER_KINDS to keep CPU-bound kinds apart.
     */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(1),
    /** This worker's name in timings and logs. Default `<hostname>-<pid>`. */
    WORKER_ID: z.string().min(1).max(128).default(`${hostname()}-${process.pid}`),
    /** Kinds this worker takes, comma-separated (checked against the loaded kinds at start-up). Default: every kind. */
    WORKER_KINDS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      ),
    /** How long a partition's queue lock lasts without renewal; a dead worker's partition is taken over after it. Default 30000 ms. */
    LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(30_000),
    /** On SIGTERM: how long to let running partitions finish before handing them back. Keep below the pod's grace period. Default 25000 ms. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
    /** Port of the worker's own small HTTP server (/healthz, /readyz, /metrics); 0 picks a free one, -1 disables it. Default 9464. */
    WORKER_HTTP_PORT: z.coerce.number().int().min(-1).max(65535).default(9464),
    /** Address that HTTP server listens on. Default 0.0.0.0 (every interface: Prometheus scrapes it in a cluster); 127.0.0.1 keeps it on this machine. */
    WORKER_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  })
  .superRefine(requireBlobStorage);
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export function readWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return parseEnv(WorkerEnv, source, 'worker');
}
