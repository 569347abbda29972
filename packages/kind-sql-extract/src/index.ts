import { PermanentError, SqlExtractSpec, type ExtractChunk } from '@partita/contracts';
import { custom, defineKind, z } from '@partita/sdk';
import { planExtract } from './plan.js';
import { runChunk, type ChunkUnits } from './run.js';
import { extractColumns, extractSource, extractView } from './view.js';

/** A chunk's queue message: its key range or blocks, and the job's snapshot. */
const ChunkRef = z.strictObject({
  chunk: z.custom<ExtractChunk>((v) => typeof v === 'object' && v !== null && 'index' in v && 'kind' in v, 'must be a planned chunk'),
  snapshot: z.string().nullable(),
});

/**
 * A parallel extract of a PostgreSQL table or query into Parquet, registered as a dataset: the master exports a
 * snapshot and splits the source into chunks balanced by rows; each chunk is read in that snapshot with binary COPY
 * and streamed into Parquet files; the job succeeds only when the rows written equal the rows in the snapshot.
 */
export default defineKind({
  name: 'sql-extract',
  version: '1.0.0',
  description: 'Extract a PostgreSQL table or query to Parquet in balanced chunks, in one snapshot',
  units: 'rows',
  spec: SqlExtractSpec.omit({ kind: true }),
  input: custom({
    type: 'chunks',
    fixed: true,
    plan: (spec: SqlExtractSpec, ctx) => planExtract(spec, ctx),
    open: (ref): ChunkUnits => {
      const parsed = ChunkRef.safeParse(ref);
      if (!parsed.success) throw new PermanentError(`partition message: ${parsed.error.issues[0]?.message ?? 'malformed chunk'}`);
      return parsed.data;
    },
  }),
  output: { columns: (_spec, details) => extractColumns(details) },
  run: (partition, ctx) => runChunk(partition, ctx),
  view: (details, partitions) => ({ extract: extractView(details, partitions) }),
  manifest: ({ spec, details, rowsWritten, partitions }) => ({
    source: extractSource(
      spec,
      details,
      rowsWritten,
      partitions.filter((p) => p.ownSnapshot).map((p) => p.index),
    ),
  }),
});
