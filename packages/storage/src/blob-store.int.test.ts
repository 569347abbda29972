import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { startAzurite, type AzuriteHandle } from '@partita/azurite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlobNotFoundError,
  ContainerNotFoundError,
  InvalidBlobPathError,
  InvalidContainerNameError,
  createAzureBlobStore,
  createLocalBlobStore,
  getJson,
  putJson,
  validateBlobPath,
  validateContainerName,
  type BlobStore,
} from './index.js';

/** Opens a store for one suite run and releases what it used afterwards. */
interface StoreFixture {
  open(): Promise<BlobStore>;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

/** A readable of `bytes` deterministic pseudo-random bytes, produced in 64 KiB chunks. */
function generatedStream(bytes: number, seed: string, delayMs = 0): Readable {
  let produced = 0;
  let block = createHash('sha256').update(seed).digest();
  return new Readable({
    read() {
      if (produced >= bytes) {
        this.push(null);
        return;
      }
      const size = Math.min(64 * 1024, bytes - produced);
      const chunk = Buffer.alloc(size);
      for (let offset = 0; offset < size; offset += block.length) {
        block = createHash('sha256').update(block).digest();
        block.copy(chunk, offset);
      }
      produced += size;
      if (delayMs > 0) setTimeout(() => this.push(chunk), delayMs);
      else this.push(chunk);
    },
  });
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function streamDigest(stream: Readable): Promise<{ digest: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { digest: hash.digest('hex'), bytes };
}

/** The behaviour every BlobStore implementation must have. */
function describeBlobStoreContract(name: string, fixture: StoreFixture): void {
  describe(`${name} BlobStore contract`, () => {
    const container = `contract-${randomBytes(6).toString('hex')}`;
    const missingContainer = `missing-${randomBytes(6).toString('hex')}`;
    let store: BlobStore;

    beforeAll(async () => {
      store = await fixture.open();
      await store.ensureContainer(container);
    });

    afterAll(async () => {
      await store?.deleteContainer(container);
      await fixture.close();
    });

    it('creates containers idempotently and rejects names Azure would reject', async () => {
      await store.ensureContainer(container);
      for (const bad of ['ab', 'Upper-case', 'a--b', '-leading', 'trailing-', 'under_score', 'x'.repeat(64)]) {
        expect(validateContainerName(bad), bad).toBeTypeOf('string');
        await expect(store.ensureContainer(bad), bad).rejects.toBeInstanceOf(InvalidContainerNameError);
      }
      expect(validateContainerName('abc')).toBeUndefined();
      expect(validateContainerName(`a-1-${'x'.repeat(59)}`)).toBeUndefined();
      await expect(store.get('../etc', 'passwd')).rejects.toBeInstanceOf(InvalidContainerNameError);
      await expect(store.list('UPPER', '')).rejects.toBeInstanceOf(InvalidContainerNameError);
    });

    it('rejects blob paths that are not clean relative paths', async () => {
      for (const bad of ['', '/abs', 'a//b', 'a/', '../up', 'a/./b', 'back\\slash']) {
        expect(validateBlobPath(bad), bad).toBeTypeOf('string');
        await expect(store.put(container, bad, Buffer.from('x')), bad).rejects.toBeInstanceOf(InvalidBlobPathError);
      }
      expect(validateBlobPath('kind/job=1/part-00001.parquet')).toBeUndefined();
    });

    it('destroys a stream body it rejects, so the producer does not wait forever', async () => {
      const body = new PassThrough();
      await expect(store.put(container, '../bad', body)).rejects.toBeInstanceOf(InvalidBlobPathError);
      expect(body.destroyed).toBe(true);
      const intoMissing = new PassThrough();
      const putting = store.put(missingContainer, 'x', intoMissing);
      intoMissing.end(Buffer.from('data'));
      await expect(putting).rejects.toBeInstanceOf(ContainerNotFoundError);
    });

    it('round-trips a buffer', async () => {
      const body = randomBytes(1000);
      expect(await store.put(container, 'buffer/one.bin', body)).toEqual({ bytes: 1000 });
      expect(sha256(await store.get(container, 'buffer/one.bin'))).toBe(sha256(body));
      const empty = await store.put(container, 'buffer/empty.bin', Buffer.alloc(0));
      expect(empty.bytes).toBe(0);
      expect((await store.get(container, 'buffer/empty.bin')).length).toBe(0);
    });

    it('round-trips a multi-MB stream', async () => {
      const bytes = 9 * MiB + 123;
      const expected = await streamDigest(generatedStream(bytes, 'multi'));
      const result = await store.put(container, 'stream/large.bin', generatedStream(bytes, 'multi'), { contentType: 'application/x-test' });
      expect(result.bytes).toBe(bytes);
      const back = await store.get(container, 'stream/large.bin');
      expect(back.length).toBe(bytes);
      expect(sha256(back)).toBe(expected.digest);
    });

    it('replaces a blob on overwrite', async () => {
      await store.put(container, 'overwrite/x', generatedStream(3 * MiB, 'old'));
      await store.put(container, 'overwrite/x', Buffer.from('new'));
      expect((await store.get(container, 'overwrite/x')).toString()).toBe('new');
      expect(await store.list(container, 'overwrite/')).toEqual([{ path: 'overwrite/x', bytes: 3 }]);
    });

    it('keeps the previous blob when a streamed upload fails', async () => {
      await store.put(container, 'failed/x', Buffer.from('previous'));
      let sent = 0;
      const failing = new Readable({
        read() {
          if (sent >= 5) {
            this.destroy(new Error('source broke'));
            return;
          }
          sent += 1;
          this.push(randomBytes(MiB));
        },
      });
      await expect(store.put(container, 'failed/x', failing)).rejects.toThrow(/source broke/);
      expect((await store.get(container, 'failed/x')).toString()).toBe('previous');
      await expect(
        store.put(
          container,
          'failed/new',
          Readable.from(
            (async function* () {
              yield Buffer.from('partial');
              throw new Error('generator broke');
            })(),
          ),
        ),
      ).rejects.toThrow(/generator broke/);
      expect(await store.exists(container, 'failed/new')).toBe(false);
      expect((await store.list(container, 'failed/')).map((b) => b.path)).toEqual(['failed/x']);
    });

    it('never shows a reader a half-written blob', async () => {
      const oldBody = randomBytes(2 * MiB);
      await store.put(container, 'atomic/x', oldBody);
      const bytes = 6 * MiB;
      const newDigest = (await streamDigest(generatedStream(bytes, 'atomic'))).digest;
      const seen = new Set<string>();
      let done = false;
      const writing = store.put(container, 'atomic/x', generatedStream(bytes, 'atomic', 2)).finally(() => {
        done = true;
      });
      while (!done) {
        const digest = sha256(await store.get(container, 'atomic/x'));
        seen.add(digest === sha256(oldBody) ? 'old' : digest === newDigest ? 'new' : 'torn');
      }
      await writing;
      expect(seen.has('torn')).toBe(false);
      expect(seen.has('old')).toBe(true);
      expect(sha256(await store.get(container, 'atomic/x'))).toBe(newDigest);
    });

    it('lists by prefix, sorted by path, with sizes', async () => {
      const blobs: Record<string, number> = {
        'lst/b.parquet': 2,
        'lst/a.parquet': 1,
        'lst/sub/c.parquet': 3,
        'lst-other/d': 4,
        'lst/_manifest.json': 5,
      };
      for (const [path, size] of Object.entries(blobs)) await store.put(container, path, Buffer.alloc(size, 1));
      expect(await store.list(container, 'lst/')).toEqual([
        { path: 'lst/_manifest.json', bytes: 5 },
        { path: 'lst/a.parquet', bytes: 1 },
        { path: 'lst/b.parquet', bytes: 2 },
        { path: 'lst/sub/c.parquet', bytes: 3 },
      ]);
      expect((await store.list(container, 'lst')).map((b) => b.path)).toEqual([
        'lst-other/d',
        'lst/_manifest.json',
        'lst/a.parquet',
        'lst/b.parquet',
        'lst/sub/c.parquet',
      ]);
      expect((await store.list(container, 'lst/s')).map((b) => b.path)).toEqual(['lst/sub/c.parquet']);
      expect((await store.list(container, 'lst/sub/c.parquet')).map((b) => b.path)).toEqual(['lst/sub/c.parquet']);
      expect(await store.list(container, 'nothing/')).toEqual([]);
      expect(await store.list(container, '../')).toEqual([]);
      const all = await store.list(container, '');
      expect(all.map((b) => b.path)).toEqual([...all.map((b) => b.path)].sort());
      expect(all.length).toBeGreaterThanOrEqual(5);
      expect(await store.list(missingContainer, '')).toEqual([]);
    });

    it('tells whether a blob exists', async () => {
      await store.put(container, 'ex/there', Buffer.from('1'));
      expect(await store.exists(container, 'ex/there')).toBe(true);
      expect(await store.exists(container, 'ex/absent')).toBe(false);
      expect(await store.exists(container, 'ex')).toBe(false); // a "directory" is not a blob
      expect(await store.exists(missingContainer, 'ex/there')).toBe(false);
    });

    it('deletes blobs, without error when missing', async () => {
      await store.put(container, 'del/a/b', Buffer.from('1'));
      await store.put(container, 'del/c', Buffer.from('2'));
      await store.delete(container, 'del/a/b');
      expect(await store.exists(container, 'del/a/b')).toBe(false);
      expect((await store.list(container, 'del/')).map((b) => b.path)).toEqual(['del/c']);
      await store.delete(container, 'del/a/b');
      await store.delete(container, 'del/never');
      await store.delete(missingContainer, 'del/never');
    });

    it('rejects get of a missing blob with BlobNotFoundError', async () => {
      const missing = store.get(container, 'nope/absent.parquet');
      await expect(missing).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(missing).rejects.toMatchObject({ container, path: 'nope/absent.parquet' });
      await expect(store.get(missingContainer, 'x')).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('rejects put into a missing container with ContainerNotFoundError', async () => {
      await expect(store.put(missingContainer, 'x', Buffer.from('1'))).rejects.toBeInstanceOf(ContainerNotFoundError);
      await expect(store.put(missingContainer, 'x', Readable.from([Buffer.from('1')]))).rejects.toBeInstanceOf(ContainerNotFoundError);
    });

    it('writes and reads JSON documents such as the manifest', async () => {
      const manifest = { version: 1, files: [{ path: 'part-0.parquet', rows: 3 }], name: 'ü' };
      const { bytes } = await putJson(store, container, 'json/_manifest.json', manifest);
      expect(bytes).toBe((await store.get(container, 'json/_manifest.json')).length);
      expect(await getJson(store, container, 'json/_manifest.json')).toEqual(manifest);
      await store.put(container, 'json/broken.json', Buffer.from('{'));
      await expect(getJson(store, container, 'json/broken.json')).rejects.toThrow(/json\/broken\.json is not valid JSON/);
    });

    it('deletes a whole container, without error when missing', async () => {
      const scratch = `${container}-scratch`;
      await store.ensureContainer(scratch);
      await store.put(scratch, 'a/b', Buffer.from('1'));
      await store.deleteContainer(scratch);
      expect(await store.list(scratch, '')).toEqual([]);
      expect(await store.exists(scratch, 'a/b')).toBe(false);
      await store.deleteContainer(scratch);
      await store.deleteContainer(missingContainer);
    });
  });
}

let root: string | undefined;
describeBlobStoreContract('local', {
  async open() {
    root = await mkdtemp(join(tmpdir(), 'local-blob-store-'));
    return createLocalBlobStore(root);
  },
  async close() {
    if (root) await rm(root, { recursive: true, force: true });
  },
});

let azurite: AzuriteHandle | undefined;
describeBlobStoreContract('Azure (Azurite)', {
  async open() {
    azurite = await startAzurite({ inMemory: true });
    return createAzureBlobStore({ connectionString: azurite.connectionString });
  },
  async close() {
    await azurite?.stop();
  },
});
