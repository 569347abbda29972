import { PermanentError, fieldPath, type FileView, type PartitionPayload } from '@partita/contracts';
import type pg from 'pg';
import type { KindRegistry } from '@partita/kinds';
import type { Kind, RunContext } from '@partita/sdk';
import type { BlobStore } from '@partita/storage';
import type { Logger } from '@partita/telemetry';
import type { ComputePool } from './cpu/compute-pool.js';
import { PartitionOutput } from './output.js';

/** What running a kind needs of the worker (part of the processor's dependencies). */
export interface RunKindDeps {
  store: BlobStore;
  source: () => pg.Pool;
  /** The kinds this worker serves. */
  kinds: KindRegistry;
  /** Threads for the `compute` of kinds with `cpu: true`; null when the worker serves none. */
  cpu: ComputePool | null;
  /** Aborted on shutdown once the grace period is over. */
  signal: AbortSignal;
}

/** What a partition's run produced: its files, and whether it read a snapshot of its own. */
export interface HandlerResult {
  files: FileView[];
  ownSnapshot?: boolean;
}

/**
 * Runs one partition of `kind`: the spec checked against the kind's schema, the partition's units opened, the kind's
 * `run` given its context, and its files committed, or abandoned when it fails.
 */
export async function runKind(
  kind: Kind,
  payload: PartitionPayload,
  job: {
    spec: Record<string, unknown>;
    details: Record<string, unknown> | null;
    output: { container: string; prefix: string };
    attempt: number;
  },
  deps: RunKindDeps,
  log: Logger,
  progress: (itemsDone: number) => void,
): Promise<HandlerResult> {
  const parsed = kind.specSchema.safeParse(job.spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = fieldPath(issue?.path ?? []);
    throw new PermanentError(
      `job ${payload.jobId}: its spec does not fit kind ${kind.name} ${kind.version}: ${field}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const spec = parsed.data as Record<string, unknown>;
  const { jobId, index } = payload;
  const columns = kind.columnsOf(spec, job.details);
  if (columns.length > 0) await deps.store.ensureContainer(job.output.container);
  const out = new PartitionOutput({ store: deps.store, output: job.output, jobId, index, attempt: job.attempt }, columns);
  const ctx: RunContext<Record<string, unknown>, unknown, unknown> = {
    jobId,
    index,
    attempt: job.attempt,
    details: job.details,
    log,
    signal: deps.signal,
    progress,
    source: deps.source,
    write: (rows) => out.write(rows),
    compute: async (task) => {
      if (!kind.compute) throw new PermanentError(`kind ${kind.name} has no compute function`);
      if (!kind.cpu || !deps.cpu) return kind.compute(task);
      const module = deps.kinds.moduleOf(kind.name)!;
      return deps.cpu.run({ module, kind: kind.name, task }, deps.signal);
    },
    openFile: (file) => out.openFile(file),
  };
  try {
    const units: unknown = await kind.input.open(payload.units, spec, {
      jobId,
      log,
      source: deps.source,
      details: job.details,
      signal: deps.signal,
    });
    const result = (await kind.run({ jobId, index, spec, ...(units as object) }, ctx)) ?? {};
    const files = await out.finish(result.files ?? []);
    return { files, ...(result.ownSnapshot !== undefined ? { ownSnapshot: result.ownSnapshot } : {}) };
  } catch (err) {
    await out.abort(err as Error);
    throw err;
  }
}
