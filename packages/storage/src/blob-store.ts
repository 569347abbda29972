/** A blob and its size. */
export interface BlobInfo {
  /** Path inside the container, `/`-separated, no leading slash. */
  path: string;
  bytes: number;
}

/** Options of {@link BlobStore.put}. */
export interface PutOptions {
  /** Content type recorded with the blob (Azure only). Default `application/octet-stream`. */
  contentType?: string;
}

/**
 * Containers of blobs addressed by `container/path`.
 *
 * Container names follow Azure's rules (see `validateContainerName`), paths are relative, `/`-separated,
 * without empty, `.` or `..` segments (see `validateBlobPath`); every method rejects invalid ones with
 * `InvalidContainerNameError` / `InvalidBlobPathError`.
 */
export interface BlobStore {
  /** Creates the container if it does not exist. */
  ensureContainer(container: string): Promise<void>;
  /**
   * Uploads a whole buffer or a stream (streamed in blocks: bounded memory) to container/path, replacing any
   * existing blob atomically: a reader never sees a half-written blob, and a failed upload (e.g. the stream
   * errors) leaves the previous blob, if any, untouched. Rejects with `ContainerNotFoundError` when the
   * container does not exist. On failure a stream body is destroyed, so its producer stops instead of
   * waiting for a reader. Returns the bytes written.
   */
  put(container: string, path: string, body: Buffer | NodeJS.ReadableStream, options?: PutOptions): Promise<{ bytes: number }>;
  /** The whole blob. Rejects with `BlobNotFoundError` when it (or its container) does not exist. */
  get(container: string, path: string): Promise<Buffer>;
  exists(container: string, path: string): Promise<boolean>;
  /**
   * Blobs whose path starts with `prefix` (a plain string prefix; `''` lists all), sorted by path. `[]` when the
   * container does not exist. With `uncommitted`, also names that hold only uncommitted blocks (an upload whose
   * process died before it committed), with 0 bytes.
   */
  list(container: string, prefix: string, options?: { uncommitted?: boolean }): Promise<BlobInfo[]>;
  /** Deletes the blob, and the uncommitted blocks staged under its name; no error when it (or its container) does not exist. */
  delete(container: string, path: string): Promise<void>;
  /** Deletes the container and everything in it; no error when it does not exist. */
  deleteContainer(container: string): Promise<void>;
}

/** Orders blob paths by plain string comparison (the same order for every implementation). */
export function compareBlobPaths(a: BlobInfo, b: BlobInfo): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
