import { z } from 'zod';

/** A boolean environment variable: `true`/`1` or `false`/`0`. */
export const BoolEnv = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Settings shared by every process that talks to the catalog, the queue and Blob Storage. */
export const ServiceEnv = {
  /** The catalog database. */
  DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/postgres'),
  /** Schema of the catalog tables. Default `partita`. */
  CATALOG_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('partita'),
  /** Where `postgres` inputs are read. Default: the catalog database. */
  SOURCE_DATABASE_URL: z.string().min(1).optional(),
  /** The queue's Redis (`rediss://` for TLS). */
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix: isolates deployments sharing one Redis. Default `partita`. */
  QUEUE_PREFIX: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('partita'),
  /** Blob Storage connection string (Azurite's, or an account's). Required. */
  AZURE_STORAGE_CONNECTION_STRING: z.string().min(1, 'required: the Blob Storage connection string'),
  /** pino level. Default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Pretty logs. Default: only on a terminal. */
  LOG_PRETTY: BoolEnv.optional(),
};

/** Parses the environment with a schema; on failure throws one error listing every bad variable and why. */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv, app: string): z.infer<S> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new Error(`invalid ${app} configuration:\n${lines}`);
  }
  return parsed.data;
}
