import { TRAVEL_PLAN_COLUMNS, tableLabel, type JobView, type Manifest, type SqlExtractSpec } from '@partita/contracts';

/** The columns of a job's files, as the manifest and the datasets table publish them. */
function schemaOf(job: JobView): Manifest['schema'] {
  if (job.kind === 'noop') return [];
  if (job.kind !== 'sql-extract') return [...TRAVEL_PLAN_COLUMNS];
  if (!job.extract) throw new Error(`extract job ${job.id} has no recorded plan`);
  return job.extract.columns.map((c) => ({
    name: c.name,
    type: c.parquet,
    nullable: c.nullable,
    ...(c.precision !== undefined ? { precision: c.precision } : {}),
    ...(c.scale !== undefined ? { scale: c.scale } : {}),
    pgType: c.pgType,
  }));
}

/** An extract's source, snapshot and completeness check, for the manifest. */
function sourceOf(job: JobView, rowsWritten: number): Manifest['source'] {
  if (job.kind !== 'sql-extract' || !job.extract) return undefined;
  const source = (job.spec as SqlExtractSpec).source;
  const e = job.extract;
  return {
    database: e.database,
    ...('table' in source
      ? { table: tableLabel(source), ...(source.where !== undefined ? { where: source.where } : {}) }
      : { query: source.query }),
    key: e.key,
    method: e.method,
    snapshot: { id: e.snapshot.id, mode: e.snapshot.mode, ownSnapshotChunks: e.snapshot.ownSnapshotChunks },
    sourceRows: e.completeness.sourceRows,
    rowsWritten,
  };
}

/** The manifest of a job whose partitions all succeeded: exactly the files the catalog recorded, with their counts. Pure. */
export function buildManifest(job: JobView, finishedAt: Date): Manifest {
  const files = job.partitions.flatMap((p) => {
    if (p.files.length === 0 && job.kind !== 'noop')
      throw new Error(`partition ${p.index} of job ${job.id} succeeded without a recorded file`);
    return p.files.map((f) => ({ path: f.path, partition: p.index, rows: f.rows, bytes: f.bytes }));
  });
  const spec = job.spec as { dataset?: Manifest['dataset'] };
  const rows = files.reduce((a, f) => a + f.rows, 0);
  const source = sourceOf(job, rows);
  return {
    version: 1,
    jobId: job.id,
    kind: job.kind,
    createdAt: job.createdAt,
    finishedAt: finishedAt.toISOString(),
    dataset: spec.dataset ?? { name: `${job.kind}-${job.id}`, description: '', tags: {} },
    spec: job.spec,
    schema: schemaOf(job),
    files,
    rows,
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    timings: job.timings,
    ...(source ? { source } : {}),
  };
}
