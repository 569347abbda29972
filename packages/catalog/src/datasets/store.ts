import type pg from 'pg';
import type { DatasetRow } from '../records.js';
import { DATASET_LOCK, INSERT_VERSION, LATEST_VERSIONS, VERSIONS } from './sql.js';

/** A dataset version as a job's fan-in registers it. */
export interface DatasetRecord {
  name: string;
  kind: string;
  schema: ReadonlyArray<{ name: string; type: string; nullable: boolean }>;
  description: string;
  tags: Record<string, string>;
  container: string;
  manifestPath: string;
  files: number;
  rows: number;
  bytes: number;
}

/** Datasets: named, versioned outputs of jobs. A version is registered with the end of the job that made it. */
export class DatasetStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Every dataset's latest version, by name, with how many versions it has. */
  async latest(): Promise<Array<DatasetRow & { versions: number }>> {
    return (await this.pool.query<DatasetRow & { versions: number }>(LATEST_VERSIONS)).rows;
  }

  /** Every version of a dataset, newest first; empty when no dataset has that name. */
  async versions(name: string): Promise<DatasetRow[]> {
    return (await this.pool.query<DatasetRow>(VERSIONS, [name])).rows;
  }
}

/** Registers the next version of a dataset in the caller's transaction (the one that ends its job). */
export async function registerVersion(client: pg.PoolClient, jobId: string, d: DatasetRecord): Promise<void> {
  await client.query(DATASET_LOCK, [d.name]);
  await client.query(INSERT_VERSION, [
    jobId,
    d.name,
    d.kind,
    d.description,
    d.tags,
    d.container,
    d.manifestPath,
    d.files,
    d.rows,
    d.bytes,
    JSON.stringify(d.schema),
  ]);
}
