// The sequential baseline: what a worker does for every partition, done for all groups in one process, one group
// after another, into one Parquet file in Blob Storage.
import { PassThrough } from 'node:stream';
import { TRAVEL_PLAN_COLUMNS } from '@partita/contracts';
import { openParquetWriter } from '@partita/parquet';
import type { BlobStore } from '@partita/storage';
import { generateGroup } from '@partita/travel';
import { peakRssMb } from '../child.js';
import { generatedRoutes, planGroup } from './group-work.js';
import { PlanDigest } from './plan-digest.js';
import type { TravelWorkload } from './workload.js';

export interface SequentialRun {
  /** From the container ensured and the first group generated to the file committed, as a worker's partition run. */
  ms: number;
  rows: number;
  bytes: number;
  /** Digest of the rows written (see PlanDigest). */
  digest: string;
  peakRssMb: number;
  /** CPU time of the whole process (every thread) over the same span. */
  cpuMs: number;
}

/** Plans every group of `workload` in order and streams the rows into `container/path`, as a worker streams a partition's. */
export async function runSequential(workload: TravelWorkload, store: BlobStore, container: string, path: string): Promise<SequentialRun> {
  const digest = new PlanDigest();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await store.ensureContainer(container);
  const body = new PassThrough();
  const upload = store.put(container, path, body, { contentType: 'application/vnd.apache.parquet' });
  upload.catch(() => undefined); // awaited below; a failure meanwhile surfaces through the writer
  const writer = await openParquetWriter(TRAVEL_PLAN_COLUMNS, body);
  const routes = generatedRoutes(workload.seed);
  for (let i = 0; i < workload.groups; i++) {
    for (const row of planGroup(generateGroup(workload.seed, i), routes, workload.optimizer)) {
      await writer.append(row);
      digest.add(row);
    }
  }
  const { rows } = await writer.close();
  const { bytes } = await upload;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, rows, bytes, digest: digest.value(), peakRssMb: peakRssMb(), cpuMs: (cpu.user + cpu.system) / 1000 };
}
