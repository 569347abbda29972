import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore, type BlobStore } from './index.js';

describe('createLocalBlobStore', () => {
  const container = 'local-only';
  let root: string;
  let store: BlobStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'local-blob-store-only-'));
    store = createLocalBlobStore(root);
    await store.ensureContainer(container);
  });

  afterAll(async () => {
    await store.deleteContainer(container);
    await rm(root, { recursive: true, force: true });
  });

  it('stores blob container/path as the file rootDir/container/path', async () => {
    await store.put(container, 'a/b/c.txt', Buffer.from('hello'));
    expect(await readFile(join(root, container, 'a', 'b', 'c.txt'), 'utf8')).toBe('hello');
  });

  it('leaves no temporary files behind, after success or failure', async () => {
    await store.put(container, 'tmp/ok', Readable.from([Buffer.from('a'), Buffer.from('b')]));
    const broken = Readable.from(
      (async function* () {
        yield Buffer.from('partial');
        throw new Error('broke');
      })(),
    );
    await expect(store.put(container, 'tmp/broken', broken)).rejects.toThrow(/broke/);
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
    expect(await store.list(container, 'tmp/')).toEqual([{ path: 'tmp/ok', bytes: 2 }]);
  });

  it('lets concurrent writers of one path race without tearing: one of them wins whole', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(256 * 1024, i));
    await Promise.all(bodies.map((body) => store.put(container, 'race/x', body)));
    const result = await store.get(container, 'race/x');
    expect(bodies.some((body) => body.equals(result))).toBe(true);
  });

  it('prunes directories emptied by delete', async () => {
    await store.put(container, 'prune/deep/er/x', Buffer.from('1'));
    await store.put(container, 'prune/keep', Buffer.from('1'));
    await store.delete(container, 'prune/deep/er/x');
    expect(existsSync(join(root, container, 'prune', 'deep'))).toBe(false);
    expect(existsSync(join(root, container, 'prune', 'keep'))).toBe(true);
  });

  it('cannot hold both a and a/b (a file system limit, documented)', async () => {
    await store.put(container, 'clash/a', Buffer.from('1'));
    await expect(store.put(container, 'clash/a/b', Buffer.from('2'))).rejects.toThrow();
    expect((await store.get(container, 'clash/a')).toString()).toBe('1');
  });
});
