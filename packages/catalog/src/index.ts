export { Catalog } from './catalog.js';
export type {
  PartitionEnd,
  PartitionRef,
  CatalogOptions,
  DatasetRecord,
  NewJob,
  NewPartition,
  OpenPartition,
  PartitionResult,
  StartResult,
  StartedPartition,
} from './catalog.js';
export { migrate } from './migrate.js';
export { computeTimings, median } from './timings.js';
