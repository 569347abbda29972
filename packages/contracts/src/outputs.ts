/** The types an output column may have: Parquet's (logical where one applies). One list for the SDK and programs. */
export const OUTPUT_COLUMN_TYPES = ['BOOLEAN', 'INT32', 'INT64', 'FLOAT', 'DOUBLE', 'UTF8', 'BINARY', 'DATE', 'TIMESTAMP_MICROS'] as const;

/** A column of a kind's Parquet output, as the manifest publishes it. */
export interface OutputColumn {
  name: string;
  type: (typeof OUTPUT_COLUMN_TYPES)[number];
  nullable: boolean;
}

/**
 * travel-plan output: one row per traveller. Times are minutes after midnight of the travel day (a next-day arrival
 * exceeds 1440). `group_cost` is the cost of the group's chosen plan; `group_optimum` and `group_gap`
 * (cost / optimum − 1) are set when the spec asks for `exactGap`.
 */
export const TRAVEL_PLAN_COLUMNS: readonly OutputColumn[] = [
  { name: 'group_id', type: 'UTF8', nullable: false },
  { name: 'person', type: 'UTF8', nullable: false },
  { name: 'origin', type: 'UTF8', nullable: false },
  { name: 'destination', type: 'UTF8', nullable: false },
  { name: 'outbound_depart', type: 'INT32', nullable: false },
  { name: 'outbound_arrive', type: 'INT32', nullable: false },
  { name: 'outbound_price', type: 'DOUBLE', nullable: false },
  { name: 'return_depart', type: 'INT32', nullable: false },
  { name: 'return_arrive', type: 'INT32', nullable: false },
  { name: 'return_price', type: 'DOUBLE', nullable: false },
  { name: 'group_size', type: 'INT32', nullable: false },
  { name: 'group_cost', type: 'DOUBLE', nullable: false },
  { name: 'group_optimum', type: 'DOUBLE', nullable: true },
  { name: 'group_gap', type: 'DOUBLE', nullable: true },
  { name: 'algorithm', type: 'UTF8', nullable: false },
];

/**
 * Blob path of partition `index`'s file written by attempt `attempt`: `<prefix>/<job id>/part-<index>-a<attempt>.parquet`.
 * Each attempt writes its own names, so an attempt that lost its partition (its worker presumed dead, yet still
 * running) can never overwrite the files of the attempt that is recorded; the manifest names the recorded ones.
 */
export function partitionFilePath(prefix: string, jobId: string, index: number, attempt: number): string {
  return `${prefix}/${jobId}/part-${String(index).padStart(5, '0')}-a${attempt}.parquet`;
}

/**
 * Blob path of file `file` of extract chunk `chunk` written by attempt `attempt`:
 * `<prefix>/<job id>/part-<chunk>-a<attempt>-<file>.parquet`, where an extract's prefix is `<output prefix>/<dataset>`.
 */
export function extractFilePath(prefix: string, jobId: string, chunk: number, attempt: number, file: number): string {
  return `${prefix}/${jobId}/part-${String(chunk).padStart(5, '0')}-a${attempt}-${String(file).padStart(3, '0')}.parquet`;
}

export function manifestPath(prefix: string, jobId: string): string {
  return `${prefix}/${jobId}/_manifest.json`;
}
