/** The jobs the fault tests run: each twice, once clean and once through the fault, with outputs compared row for row. */

/**
 * A travel job of real work: 4 partitions of 30 groups, about a second each on one core. Seeded per group, so every
 * run gives the same rows whichever worker plans which partition, however often.
 */
export const travelSpec = (container: string, prefix: string, extra: Record<string, unknown> = {}) => ({
  kind: 'travel-plan',
  input: { generate: { groups: 120, seed: 3 } },
  optimizer: { algorithm: 'genetic', restarts: 12 },
  partitioner: 'round-robin',
  partitions: 4,
  output: { container, prefix },
  ...extra,
});

/** An extract of a fixed table in `chunks` chunks, several files per chunk. */
export const extractSpec = (
  container: string,
  prefix: string,
  table: string,
  dataset: string,
  chunks: number,
  extra: Record<string, unknown> = {},
) => ({
  kind: 'sql-extract',
  source: { table },
  chunks: { count: chunks },
  output: { container, prefix, rowsPerRowGroup: 10_000, maxRowsPerFile: 30_000 },
  dataset: { name: dataset },
  ...extra,
});
