import {
  PermanentError,
  tableLabel,
  type ExtractDetails,
  type ExtractView,
  type ManifestColumn,
  type SqlExtractSpec,
} from '@partita/contracts';

const OWN_SNAPSHOT_NOTE =
  'the exported snapshot was gone (the master holding it stopped) when these chunks started: each read its own, ' +
  'so rows changed while the job ran may be missing or appear twice across chunks, and the completeness check compares ' +
  'each such chunk with its own snapshot only';

/** An extract job's chunking, columns, snapshot and completeness, for its status (`extract` in GET /jobs/:id). */
export function extractView(
  stored: Record<string, unknown>,
  partitions: readonly { index: number; ownSnapshot: boolean | null }[],
): ExtractView {
  const d = stored as unknown as ExtractDetails;
  const own = partitions.filter((p) => p.ownSnapshot).map((p) => p.index);
  const sourceRows = d.sourceRows ?? null;
  const rowsWritten = d.rowsWritten ?? null;
  return {
    database: d.database,
    method: d.method,
    key: d.key,
    estimatedRows: d.estimatedRows,
    chunkRows: d.chunkRows,
    chunkRowsExact: d.chunkRowsExact ?? false,
    columns: d.columns.map((c) => ({
      name: c.name,
      pgType: c.pgType,
      parquet: c.parquet,
      ...(c.precision !== undefined ? { precision: c.precision } : {}),
      ...(c.scale !== undefined ? { scale: c.scale } : {}),
      nullable: c.nullable,
    })),
    snapshot: {
      id: d.snapshot,
      mode: own.length > 0 || d.snapshot === null ? 'per-chunk' : 'exported',
      ownSnapshotChunks: own,
      note: own.length > 0 ? OWN_SNAPSHOT_NOTE : null,
    },
    completeness: {
      sourceRows,
      rowsWritten,
      complete: sourceRows !== null && rowsWritten !== null ? sourceRows === rowsWritten : null,
    },
  };
}

/** The files' columns as the manifest and the datasets table publish them: the planned column mapping. */
export function extractColumns(details: Record<string, unknown> | null): ManifestColumn[] {
  const d = details as unknown as ExtractDetails | null;
  if (!d?.columns) throw new PermanentError('an extract job has no recorded column plan');
  return d.columns.map((c) => ({
    name: c.name,
    type: c.parquet,
    nullable: c.nullable,
    ...(c.precision !== undefined ? { precision: c.precision } : {}),
    ...(c.scale !== undefined ? { scale: c.scale } : {}),
    pgType: c.pgType,
  }));
}

/** What the manifest says of the source: what was read, in which snapshot, and the completeness check. */
export function extractSource(
  spec: SqlExtractSpec,
  details: Record<string, unknown> | null,
  rowsWritten: number,
  ownSnapshotChunks: number[],
) {
  const d = details as unknown as ExtractDetails;
  const source = spec.source;
  return {
    database: d.database,
    ...('table' in source
      ? { table: tableLabel(source), ...(source.where !== undefined ? { where: source.where } : {}) }
      : { query: source.query }),
    key: d.key,
    method: d.method,
    snapshot: {
      id: d.snapshot,
      mode: ownSnapshotChunks.length > 0 || d.snapshot === null ? ('per-chunk' as const) : ('exported' as const),
      ownSnapshotChunks,
    },
    sourceRows: d.sourceRows ?? null,
    rowsWritten,
  };
}
