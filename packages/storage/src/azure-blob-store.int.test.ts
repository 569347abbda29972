import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  StorageSharedKeyCredential,
  generateAccountSASQueryParameters,
} from '@azure/storage-blob';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type AzuriteHandle } from '@partita/azurite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureBlobStore } from './index.js';

describe('createAzureBlobStore', () => {
  const container = `azure-${Date.now().toString(36)}`;
  let location: string;
  let azurite: AzuriteHandle;

  beforeAll(async () => {
    // On disk, so the outage test can restart the emulator with its data.
    location = await mkdtemp(join(tmpdir(), 'azure-blob-store-test-'));
    azurite = await startAzurite({ location });
  });

  afterAll(async () => {
    await createAzureBlobStore({ connectionString: azurite.connectionString })
      .deleteContainer(container)
      .catch(() => undefined);
    await azurite?.stop();
    await rm(location, { recursive: true, force: true });
  });

  it('uploads a stream that fits one block as one Put Blob, and a larger one as staged blocks, byte for byte', async () => {
    const store = createAzureBlobStore({ connectionString: azurite.connectionString, uploadBlockBytes: 64 * 1024 });
    await store.ensureContainer(container);
    const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
    const parts = (bytes: number): Buffer[] =>
      Array.from({ length: Math.ceil(bytes / 10_000) }, (_, i) => Buffer.alloc(Math.min(10_000, bytes - i * 10_000), i % 251));
    for (const [path, bytes] of [
      ['blocks/small', 60_000],
      ['blocks/large', 300_000],
      ['blocks/empty', 0],
    ] as const) {
      expect(await store.put(container, path, Readable.from(parts(bytes)))).toEqual({ bytes });
      expect((await store.get(container, path)).equals(Buffer.concat(parts(bytes)))).toBe(true);
      // A blob made by one Put Blob has no committed blocks; one made of staged blocks lists them.
      const blocks = (await client.getBlockBlobClient(path).getBlockList('committed')).committedBlocks ?? [];
      expect(blocks.length, path).toBe(bytes > 64 * 1024 ? 5 : 0);
    }
  });

  it('records the content type', async () => {
    const store = createAzureBlobStore({ connectionString: azurite.connectionString });
    await store.ensureContainer(container);
    await store.put(container, 'typed/a.json', Buffer.from('{}'), { contentType: 'application/json' });
    await store.put(container, 'typed/b.bin', Buffer.from('x'));
    const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
    expect((await client.getBlobClient('typed/a.json').getProperties()).contentType).toBe('application/json');
    expect((await client.getBlobClient('typed/b.bin').getProperties()).contentType).toBe('application/octet-stream');
  });

  it('connects with an account URL (here carrying a SAS)', async () => {
    const sas = generateAccountSASQueryParameters(
      {
        expiresOn: new Date(Date.now() + 3_600_000),
        permissions: AccountSASPermissions.parse('rwdlc'),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        services: AccountSASServices.parse('b').toString(),
      },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).toString();
    const store = createAzureBlobStore({ accountUrl: `${azurite.blobEndpoint}?${sas}` });
    await store.ensureContainer(container);
    await store.put(container, 'sas/x', Buffer.from('via sas'));
    expect((await store.get(container, 'sas/x')).toString()).toBe('via sas');
  });

  it('needs a connection string or an account URL', () => {
    expect(() => createAzureBlobStore({})).toThrow(/connectionString or an accountUrl/);
  });

  it('rides out a 12 s outage of the emulator with the default retries', async () => {
    const store = createAzureBlobStore({ connectionString: azurite.connectionString });
    await store.ensureContainer(container);
    const { port } = azurite;
    await azurite.stop();
    const startedAt = Date.now();
    const writing = store.put(container, 'outage/x', Buffer.from('written during the outage'));
    const reading = store.exists(container, 'typed/a.json');
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    azurite = await startAzurite({ location, port });
    await expect(writing).resolves.toEqual({ bytes: 25 });
    await expect(reading).resolves.toBe(true);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(12_000);
    expect((await store.get(container, 'outage/x')).toString()).toBe('written during the outage');
  }, 60_000);
});
