import { z } from 'zod';
import { fieldPath } from '@partita/contracts';

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
  /**
   * Where sources are read (extracts, travel `postgres` inputs), as a role that can only read: no superuser, no
   * writes, no server files or signals (see deploy/README.md). Checked at start-up. Default: the catalog database.
   */
  SOURCE_DATABASE_URL: z.string().min(1).optional(),
  /**
   * Start even when the source's role can do more than read (a superuser, a writer). Default false. Only for a
   * database that holds nothing to protect: a user's SQL then runs with those rights, and a warning says so.
   */
  ALLOW_PRIVILEGED_SOURCE: BoolEnv.default(false),
  /**
   * Kinds beyond the built-ins: comma-separated module specifiers or paths (relative to the working directory), each
   * exporting kinds made with @partita/sdk's defineKind. Master and workers must load the same modules. Default none.
   */
  PARTITA_KINDS: z.string().default(''),
  /**
   * The programs file (YAML or JSON) of the `program` kind: the programs an operator registered (docs/programs.md).
   * Master (which checks params) and workers (which run them) must read the same file. Default: no program.
   */
  PARTITA_PROGRAMS: z.string().min(1).optional(),
  /** The queue's Redis (`rediss://` for TLS). */
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix: isolates deployments sharing one Redis. Default `partita`. */
  QUEUE_PREFIX: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('partita'),
  /** Blob Storage connection string (Azurite's, or an account's). Either this or AZURE_STORAGE_ACCOUNT_URL. */
  AZURE_STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
  /**
   * The blob service URL (`https://<account>.blob.core.windows.net`), used when no connection string is given: the
   * identity comes from DefaultAzureCredential (Workload Identity on AKS, a managed identity, `az login` locally).
   */
  AZURE_STORAGE_ACCOUNT_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** pino level. Default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Pretty logs. Default: only on a terminal. */
  LOG_PRETTY: BoolEnv.optional(),
};

/** Blob Storage needs a connection string or an account URL: refine an app's environment schema with this. */
export function requireBlobStorage(
  env: { AZURE_STORAGE_CONNECTION_STRING?: string | undefined; AZURE_STORAGE_ACCOUNT_URL?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!env.AZURE_STORAGE_CONNECTION_STRING && !env.AZURE_STORAGE_ACCOUNT_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['AZURE_STORAGE_CONNECTION_STRING'],
      message: 'required: a Blob Storage connection string, or AZURE_STORAGE_ACCOUNT_URL to sign in with DefaultAzureCredential',
    });
  }
}

/** Parses the environment with a schema (empty variables count as unset); on failure throws one error listing every bad variable and why. */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv, app: string): z.infer<S> {
  // An empty variable is an unset one (as a Secret or compose file leaves an optional value blank), so it takes the default.
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(source).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${fieldPath(i.path, '(root)')}: ${i.message}`).join('\n');
    throw new Error(`invalid ${app} configuration:\n${lines}`);
  }
  return parsed.data;
}
