import { z } from 'zod';
import { DatasetSpec, MAX_PARTITIONS, OutputSpec, RetrySpec, Text, UNSTORABLE_TEXT } from './common.js';
import { tableSpecProblem } from './table-name.js';
import { checkCondition, checkQuery, type SqlVerdict } from './sql-parse.js';

/** A column name: any PostgreSQL identifier (it is always double-quoted, so case and spaces are kept). */
export const ColumnName = Text.min(1)
  .max(63)
  // eslint-disable-next-line no-control-regex -- control characters are what this rejects
  .regex(/^[^\u0000-\u001f"]+$/, 'must be 1–63 characters without control characters or double quotes');

/**
 * Free SQL text (a condition or a query), read by PostgreSQL's parser (see sql-parse.ts): refused unless it is one
 * condition, or one SELECT, that cannot write or lock and stays inside the parentheses the extract wraps it in.
 */
const SqlText = (max: number, check: (text: string) => SqlVerdict) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((s, ctx) => {
      const problem = UNSTORABLE_TEXT.test(s) ? 'must not contain NUL characters or unpaired UTF-16 surrogates' : check(s).problem;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export const TableSource = z
  .strictObject({
    /**
     * The schema, when named apart: then `table` is one name, taken as written (`{ "schema": "h2", "table": "Order
     * Items" }`). Else `table` may name it: `schema.table`.
     */
    schema: Text.min(1).max(63).optional(),
    /** `table`, `schema.table`, with double quotes around other names (`h2."Order Items"`); see table-name.ts. */
    table: Text.min(1).max(300),
    /** Columns to extract, in this order. Default: every column. */
    columns: z.array(ColumnName).min(1).max(1600).optional(),
    /** SQL condition on the table's rows. */
    where: SqlText(10_000, checkCondition).optional(),
    /** Column to split on. Default: the single-column primary key; without one the table is split by heap blocks. */
    key: ColumnName.optional(),
  })
  .superRefine((source, ctx) => {
    const problem = tableSpecProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.startsWith('schema') ? 'schema' : 'table'], message: problem });
  });

export const QuerySource = z.strictObject({
  /** One read-only SELECT statement. */
  query: SqlText(100_000, checkQuery),
  /** A column of the query's result to split on (required: a query has no primary key or heap blocks). */
  key: ColumnName,
});

export const ExtractSource = z.union([TableSource, QuerySource]);
export type ExtractSource = z.infer<typeof ExtractSource>;

/** How the rows are split: a number of chunks, or a target number of rows per chunk. */
export const ChunkRule = z.union([
  z.strictObject({ count: z.int().min(1).max(MAX_PARTITIONS) }),
  z.strictObject({ rowsPerChunk: z.int().min(1).max(1_000_000_000) }),
]);
export type ChunkRule = z.infer<typeof ChunkRule>;

/** Page compression of the Parquet files. */
export const Compression = z.enum(['SNAPPY', 'GZIP', 'UNCOMPRESSED']);
/** Rows per Parquet row group: the writer's unit of buffering (the batch size). */
export const RowsPerRowGroup = z.int().min(1).max(10_000_000);
/** Most rows in one Parquet file: a chunk's rows go to several files of at most this many rows. */
export const MaxRowsPerFile = z.int().min(1).max(1_000_000_000);
/** Statement timeout of each chunk's read, in ms: always set (each master caps it, MAX_STATEMENT_TIMEOUT_MS). */
export const StatementTimeoutMs = z.int().min(1).max(86_400_000);

export const ExtractOutputSpec = OutputSpec.extend({
  /** Page compression. Default SNAPPY. */
  compression: Compression.default('SNAPPY'),
  /** Rows per Parquet row group (the writer's unit of buffering). Default 131,072. */
  rowsPerRowGroup: RowsPerRowGroup.default(131_072),
  /** A chunk's rows go to several files of at most this many rows. Default 5,000,000. */
  maxRowsPerFile: MaxRowsPerFile.default(5_000_000),
});

export const NumericAs = z.enum(['decimal', 'double']);

/** Explicit casts: how `numeric` maps, for every column or per column. */
export const CastSpec = z.strictObject({
  /** `decimal`: exact DECIMAL(p,s) (default); `double`: DOUBLE. */
  numericAs: NumericAs.default('decimal'),
  columns: z.record(ColumnName, z.strictObject({ numericAs: NumericAs })).default({}),
});

/** A parallel extract of a PostgreSQL table or query into Parquet files, registered as a dataset. */
export const SqlExtractSpec = z.strictObject({
  kind: z.literal('sql-extract'),
  source: ExtractSource,
  chunks: ChunkRule.default({ count: 8 }),
  output: ExtractOutputSpec.default({ container: 'results', compression: 'SNAPPY', rowsPerRowGroup: 131_072, maxRowsPerFile: 5_000_000 }),
  casts: CastSpec.default({ numericAs: 'decimal', columns: {} }),
  dataset: DatasetSpec,
  /** Statement timeout of each chunk's read, in ms. Default 1 hour. */
  statementTimeoutMs: StatementTimeoutMs.default(3_600_000),
  retry: RetrySpec.default({ attempts: 3, backoffMs: 1000 }),
});
export type SqlExtractSpec = z.infer<typeof SqlExtractSpec>;
export type SqlExtractSpecInput = z.input<typeof SqlExtractSpec>;
