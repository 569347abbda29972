// A finished job's output as an independent reader sees it: its manifest's files, read by DuckDB (not Partita's own
// Parquet reader), wherever the files are fetched from (a test's blob store, a container's Azurite).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Manifest, type JobView } from '@partita/contracts';

/** Every row of `job`'s files, ordered by `orderBy`; `get` fetches a blob of the job's output container. */
export async function readJobWithDuckDb(
  job: JobView,
  get: (container: string, path: string) => Promise<Buffer>,
  orderBy: string,
): Promise<{ manifest: Manifest; rows: Record<string, unknown>[] }> {
  const manifest = Manifest.parse(JSON.parse((await get(job.output.container, job.output.manifest!)).toString()));
  const dir = await mkdtemp(join(tmpdir(), 'partita-duckdb-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const paths: string[] = [];
    for (const [i, file] of manifest.files.entries()) {
      const path = join(dir, `${i}.parquet`);
      await writeFile(path, await get(job.output.container, file.path));
      paths.push(`'${path}'`);
    }
    const reader = await db.runAndReadAll(`select * from read_parquet([${paths.join(', ')}]) order by ${orderBy}`);
    return { manifest, rows: reader.getRowObjectsJS() };
  } finally {
    db.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
