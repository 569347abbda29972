import { TRAVEL_PLAN_COLUMNS, type JobKind, type JobView, type Manifest, type OutputColumn } from '@partita/contracts';

const OUTPUT_COLUMNS: { [K in JobKind]: readonly OutputColumn[] } = {
  'travel-plan': TRAVEL_PLAN_COLUMNS,
};

/** The manifest of a job whose partitions all succeeded: exactly the files the catalog recorded, with their counts. Pure. */
export function buildManifest(job: JobView, finishedAt: Date): Manifest {
  const files = job.partitions.map((p) => {
    if (p.file === null || p.rows === null || p.bytes === null) {
      throw new Error(`partition ${p.index} of job ${job.id} succeeded without a recorded file`);
    }
    return { path: p.file, partition: p.index, rows: p.rows, bytes: p.bytes };
  });
  const spec = job.spec as { dataset?: Manifest['dataset'] };
  return {
    version: 1,
    jobId: job.id,
    kind: job.kind,
    createdAt: job.createdAt,
    finishedAt: finishedAt.toISOString(),
    dataset: spec.dataset ?? { name: `${job.kind}-${job.id}`, description: '', tags: {} },
    spec: job.spec,
    schema: [...OUTPUT_COLUMNS[job.kind as JobKind]],
    files,
    rows: files.reduce((a, f) => a + f.rows, 0),
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    timings: job.timings,
  };
}
