import { setTimeout as sleep } from 'node:timers/promises';
import { NoopSpec, PermanentError } from '@partita/contracts';
import type { PartitionHandler } from '../handler.js';

/** Waits the spec's `sleepMs` (cut short on shutdown) and writes nothing. */
export const noopHandler: PartitionHandler<'noop'> = async (payload, ctx) => {
  const parsed = NoopSpec.safeParse(ctx.spec);
  if (!parsed.success) throw new PermanentError(`job ${payload.jobId} has an invalid spec: ${parsed.error.message}`);
  if (parsed.data.sleepMs > 0) await sleep(parsed.data.sleepMs, undefined, { signal: ctx.signal });
  return { files: [] };
};
