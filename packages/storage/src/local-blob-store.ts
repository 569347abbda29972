import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { compareBlobPaths, type BlobInfo, type BlobStore } from './blob-store.js';
import { discardBody } from './discard-body.js';
import { BlobNotFoundError, ContainerNotFoundError } from './errors.js';
import { assertBlobPath, assertContainerName, validateBlobPath } from './names.js';

/** Temporary files live here, outside every container (container names cannot start with a dot). */
const TEMP_DIR = '.tmp';

/**
 * A {@link BlobStore} on a local directory tree: blob `container/path` is the file `rootDir/container/path`.
 * Writes go to a temporary file under `rootDir/.tmp` that is fsync'd and then renamed into place (atomic).
 *
 * Differences from Azure: the content type is not stored, and since a path cannot be both a file and a
 * directory, `a` and `a/b` cannot both exist (the second put rejects).
 */
export function createLocalBlobStore(rootDir: string): BlobStore {
  const root = resolve(rootDir);
  const containerDir = (container: string): string => {
    assertContainerName(container);
    return join(root, container);
  };
  const blobFile = (container: string, path: string): string => {
    const dir = containerDir(container);
    assertBlobPath(path);
    return join(dir, ...path.split('/'));
  };

  /** Writes `body` to a temporary file renamed into place; may leave a stream body unconsumed on failure. */
  const write = async (container: string, path: string, body: Buffer | NodeJS.ReadableStream) => {
    const file = blobFile(container, path);
    if (!(await isDirectory(containerDir(container)))) throw new ContainerNotFoundError(container);
    const tempDir = join(root, TEMP_DIR);
    await mkdir(tempDir, { recursive: true });
    const tempFile = join(tempDir, `${randomUUID()}.part`);
    let bytes = 0;
    try {
      const handle = await open(tempFile, 'wx');
      try {
        if (Buffer.isBuffer(body)) {
          await handle.writeFile(body);
          bytes = body.length;
        } else {
          for await (const chunk of body) {
            const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            await handle.write(data);
            bytes += data.length;
          }
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(dirname(file), { recursive: true });
      await rename(tempFile, file);
      return { bytes };
    } catch (error) {
      await rm(tempFile, { force: true });
      throw error;
    }
  };

  return {
    async ensureContainer(container) {
      await mkdir(containerDir(container), { recursive: true });
    },

    async put(container, path, body) {
      try {
        return await write(container, path, body);
      } catch (error) {
        discardBody(body);
        throw error;
      }
    },

    async get(container, path) {
      const file = blobFile(container, path);
      try {
        return await readFile(file);
      } catch (error) {
        if (isMissing(error)) throw new BlobNotFoundError(container, path);
        throw error;
      }
    },

    async exists(container, path) {
      const file = blobFile(container, path);
      try {
        return (await stat(file)).isFile();
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    async list(container, prefix) {
      const dir = containerDir(container);
      // Walk only the directory the prefix's complete segments name; an invalid one cannot prefix any valid path.
      const slash = prefix.lastIndexOf('/');
      const prefixDir = slash < 0 ? '' : prefix.slice(0, slash);
      if (prefixDir !== '' && validateBlobPath(prefixDir) !== undefined) return [];
      const blobs: BlobInfo[] = [];
      await walk(dir, prefixDir, prefix, blobs);
      return blobs.sort(compareBlobPaths);
    },

    async delete(container, path) {
      const dir = containerDir(container);
      const file = blobFile(container, path);
      try {
        if (!(await stat(file)).isFile()) return;
        await unlink(file);
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      await pruneEmptyDirs(dirname(file), dir);
    },

    async deleteContainer(container) {
      await rm(containerDir(container), { recursive: true, force: true });
    },
  };
}

/** Adds the files under `containerDir/relDir` whose container-relative path starts with `prefix`. */
async function walk(containerDir: string, relDir: string, prefix: string, out: BlobInfo[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(relDir ? join(containerDir, ...relDir.split('/')) : containerDir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    const relPath = relDir ? `${relDir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      // Descend when the directory can hold matches: it is inside the prefix, or the prefix goes deeper into it.
      if (`${relPath}/`.startsWith(prefix) || prefix.startsWith(`${relPath}/`)) await walk(containerDir, relPath, prefix, out);
    } else if (entry.isFile() && relPath.startsWith(prefix)) {
      try {
        out.push({ path: relPath, bytes: (await stat(join(containerDir, ...relPath.split('/')))).size });
      } catch (error) {
        if (!isMissing(error)) throw error; // deleted meanwhile
      }
    }
  }
}

/** Removes empty directories from `dir` up to (not including) `stopAt`; stops at the first non-empty one. */
async function pruneEmptyDirs(dir: string, stopAt: string): Promise<void> {
  for (let current = dir; current.startsWith(stopAt) && current !== stopAt; current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or gone): stop
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
