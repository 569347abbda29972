import { z } from 'zod';
import { ServiceEnv, parseEnv, requireBlobStorage } from '@partita/config';

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
    /** How often the fan-in looks for jobs to finalise and jobs not yet enqueued, in ms. Default 5000. */
    RECONCILE_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
  })
  .superRefine(requireBlobStorage);
export type MasterEnv = z.infer<typeof MasterEnv>;

export function readMasterEnv(source: NodeJS.ProcessEnv = process.env): MasterEnv {
  return parseEnv(MasterEnv, source, 'master');
}
