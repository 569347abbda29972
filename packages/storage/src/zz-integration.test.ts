import { PassThrough } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite } from '@partita/azurite';
import { openParquetWriter, readParquet } from '@partita/parquet';
import { expect, it } from 'vitest';
import { createAzureBlobStore, createLocalBlobStore, type BlobStore } from './index.js';

async function scenario(store: BlobStore) {
  await store.ensureContainer('integ');
  const out = new PassThrough();
  const uploading = store.put('integ', 'a/part-0.parquet', out);
  const w = await openParquetWriter([{ name: 'n', type: 'INT64' }, { name: 's', type: 'UTF8' }], out, { rowGroupSize: 5000 });
  for (let i = 0; i < 50000; i++) await w.append({ n: BigInt(i), s: `value ${i} ${'x'.repeat(50)}` });
  const { rows } = await w.close();
  const { bytes } = await uploading;
  const back = await readParquet(await store.get('integ', 'a/part-0.parquet'));
  expect(back.rows.length).toBe(rows);
  expect(bytes).toBe((await store.list('integ', 'a/'))[0]!.bytes);
  const out2 = new PassThrough();
  const t0 = Date.now();
  const up2 = store.put('nosuchcontainer', 'x.parquet', out2).catch((e: Error) => { console.log('upload rejected after', Date.now() - t0); return e; });
  const w2 = await openParquetWriter([{ name: 's', type: 'UTF8' }], out2, { rowGroupSize: 100 });
  let err: unknown; let i = 0;
  try { for (; i < 100000; i++) await w2.append({ s: 'y'.repeat(1000) }); await w2.close(); } catch (e) { err = e; }
  console.log('producer error at row', i, 'after', Date.now() - t0, String(err), 'upload:', String(await up2));
  expect(err).toBeTruthy();
  await store.deleteContainer('integ');
}

it('local', async () => {
  const root = await mkdtemp(join(tmpdir(), 'integ-'));
  await scenario(createLocalBlobStore(root));
  await rm(root, { recursive: true, force: true });
}, 60000);

it('azure', async () => {
  const az = await startAzurite({ inMemory: true });
  try { await scenario(createAzureBlobStore({ connectionString: az.connectionString })); } finally { await az.stop(); }
}, 60000);
