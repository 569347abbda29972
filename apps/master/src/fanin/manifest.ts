import type { Manifest } from '@partita/contracts';
import type { JobRecord } from '../views/jobs.js';
import type { Kind } from '@partita/sdk';

/**
 * The manifest of a job whose partitions all succeeded: exactly the files the catalog recorded, with their counts, the
 * columns recorded when it was planned, and the kind's own fields (an extract's source and completeness) when this
 * master knows the kind. Pure.
 */
export function buildManifest(job: JobRecord, finishedAt: Date, kind?: Kind): Manifest {
  const schema = job.columns ?? kind?.columnsOf(job.spec, job.details) ?? [];
  const files = job.partitions.flatMap((p) => {
    // A kind with columns writes at least one file per partition (maybe without rows): none means one was lost.
    if (p.files.length === 0 && schema.length > 0)
      throw new Error(`partition ${p.index} of job ${job.id} succeeded without a recorded file`);
    return p.files.map((f) => ({ path: f.path, partition: p.index, rows: f.rows, bytes: f.bytes }));
  });
  const spec = job.spec as { dataset?: Manifest['dataset'] };
  const rows = files.reduce((a, f) => a + f.rows, 0);
  const extra = kind?.manifest?.({ spec: job.spec as never, details: job.details, rowsWritten: rows, partitions: job.partitions }) ?? {};
  return {
    version: 1,
    jobId: job.id,
    kind: job.kind,
    createdAt: job.createdAt,
    finishedAt: finishedAt.toISOString(),
    dataset: spec.dataset ?? { name: `${job.kind}-${job.id}`, description: '', tags: {} },
    spec: job.spec,
    schema,
    files,
    rows,
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    timings: job.timings,
    ...extra,
  };
}
