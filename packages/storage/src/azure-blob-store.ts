import { Readable, Transform, pipeline } from 'node:stream';
import {
  AnonymousCredential,
  BlobServiceClient,
  StorageRetryPolicyType,
  type StoragePipelineOptions,
  type StorageSharedKeyCredential,
  type newPipeline,
} from '@azure/storage-blob';
import { compareBlobPaths, type BlobInfo, type BlobStore, type PutOptions } from './blob-store.js';
import { discardBody } from './discard-body.js';
import { BlobNotFoundError, ContainerNotFoundError } from './errors.js';
import { assertBlobPath, assertContainerName } from './names.js';

/** An `@azure/core-auth` TokenCredential (e.g. `DefaultAzureCredential` from `@azure/identity`). */
export type TokenCredential = Exclude<Parameters<typeof newPipeline>[0], StorageSharedKeyCredential | AnonymousCredential | undefined>;

/** Retries of failed requests, with exponential backoff. */
export interface AzureRetryOptions {
  /** Attempts per request, the first included. Default `8`. */
  maxTries?: number;
  /** Base delay: after failed attempt n the wait is (2^(n−1) − 1) × this (0, 0.5, 1.5, 3.5, 7.5 s, …). Default `500` ms. */
  retryDelayMs?: number;
  /** Cap of one wait. Default `8000` ms. With all defaults a request rides out an outage of about 29 s. */
  maxRetryDelayMs?: number;
}

/** Where the storage account is and how to authenticate. */
export interface AzureBlobStoreOptions {
  /** A storage connection string (e.g. Azurite's). Takes precedence over `accountUrl`. */
  connectionString?: string;
  /** The blob service URL, e.g. `https://<account>.blob.core.windows.net` (may carry a SAS query). */
  accountUrl?: string;
  /** Credential used with `accountUrl`. Default: anonymous (public containers or a SAS in the URL). */
  credential?: TokenCredential;
  /** Request retries. Defaults: see {@link AzureRetryOptions}. */
  retry?: AzureRetryOptions;
  /** Block size of streamed uploads. Default 4 MiB. */
  uploadBlockBytes?: number;
  /** Blocks of a streamed upload in flight at once (memory ≈ block size × (concurrency + 1)). Default `4`. */
  uploadConcurrency?: number;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** A {@link BlobStore} on Azure Blob Storage (or Azurite), with `@azure/storage-blob`. */
export function createAzureBlobStore(options: AzureBlobStoreOptions): BlobStore {
  const service = createServiceClient(options);
  const blockBytes = options.uploadBlockBytes ?? 4 * 1024 * 1024;
  const concurrency = options.uploadConcurrency ?? 4;

  const containerClient = (container: string) => {
    assertContainerName(container);
    return service.getContainerClient(container);
  };
  const blockBlobClient = (container: string, path: string) => {
    const client = containerClient(container);
    assertBlobPath(path);
    return client.getBlockBlobClient(path);
  };

  /** Uploads `body`; may leave a stream body unconsumed on failure (the caller discards it). */
  const upload = async (container: string, path: string, body: Buffer | NodeJS.ReadableStream, putOptions?: PutOptions) => {
    const blob = blockBlobClient(container, path);
    const blobHTTPHeaders = { blobContentType: putOptions?.contentType ?? DEFAULT_CONTENT_TYPE };
    try {
      if (Buffer.isBuffer(body)) {
        // One Put Blob (up to 256 MiB) or staged blocks committed at once: atomic either way.
        await blob.uploadData(body, { blobHTTPHeaders });
        return { bytes: body.length };
      }
      // A body that ends within one block is one Put Blob: one request, the common case of a small partition file.
      const source = body instanceof Readable ? body : new Readable().wrap(body);
      const head = await readHead(source, blockBytes);
      if (head.ended) {
        const data = Buffer.concat(head.chunks);
        await blob.uploadData(data, { blobHTTPHeaders });
        return { bytes: data.length };
      }
      // Larger: blocks are staged, then committed together by Put Block List: atomic, and nothing is committed on
      // error. The chunks already read go first, then the rest of the stream flows through.
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          callback(null, chunk);
        },
      });
      for (const chunk of head.chunks) counter.write(chunk);
      pipeline(source, counter, () => {}); // a source error reaches uploadStream through `counter`
      try {
        await blob.uploadStream(counter, blockBytes, concurrency, { blobHTTPHeaders });
      } catch (error) {
        counter.destroy();
        throw error;
      }
      return { bytes };
    } catch (error) {
      if (errorCode(error) === 'ContainerNotFound') throw new ContainerNotFoundError(container);
      throw error;
    }
  };

  return {
    async ensureContainer(container) {
      await containerClient(container).createIfNotExists();
    },

    async put(container, path, body, putOptions?: PutOptions) {
      try {
        return await upload(container, path, body, putOptions);
      } catch (error) {
        discardBody(body);
        throw error;
      }
    },

    async get(container, path) {
      const blob = blockBlobClient(container, path);
      try {
        // One GET (not parallel ranges) so the bytes come from a single version of the blob.
        const response = await blob.download(0);
        const stream = response.readableStreamBody;
        if (!stream) throw new Error(`no body downloading ${container}/${path}`);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
        return Buffer.concat(chunks);
      } catch (error) {
        if (statusCode(error) === 404) throw new BlobNotFoundError(container, path);
        throw error;
      }
    },

    async exists(container, path) {
      return blockBlobClient(container, path).exists();
    },

    async list(container, prefix, options = {}) {
      const client = containerClient(container);
      const blobs: BlobInfo[] = [];
      try {
        for await (const item of client.listBlobsFlat({
          ...(prefix ? { prefix } : {}),
          includeUncommitedBlobs: options.uncommitted === true,
        })) {
          blobs.push({ path: item.name, bytes: item.properties.contentLength ?? 0 });
        }
      } catch (error) {
        if (errorCode(error) === 'ContainerNotFound') return [];
        throw error;
      }
      return blobs.sort(compareBlobPaths);
    },

    async delete(container, path) {
      const blob = blockBlobClient(container, path);
      try {
        if ((await blob.deleteIfExists({ deleteSnapshots: 'include' })).succeeded) return;
        // Nothing committed under the name: blocks a dead upload staged may remain. Committing an empty block list
        // discards them (a committed blob, empty, which is then deleted); a name with no blocks is a 404 here.
        const staged = await blob.getBlockList('uncommitted');
        if ((staged.uncommittedBlocks?.length ?? 0) === 0) return;
        await blob.commitBlockList([]);
        await blob.deleteIfExists({ deleteSnapshots: 'include' });
      } catch (error) {
        if (statusCode(error) !== 404) throw error;
      }
    },

    async deleteContainer(container) {
      await containerClient(container).deleteIfExists();
    },
  };
}

/**
 * Reads a stream until `bytes` have arrived or it ends, then leaves it paused: the chunks read, and whether that was
 * all of it. A source error rejects.
 */
function readHead(source: Readable, bytes: number): Promise<{ chunks: Buffer[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let read = 0;
    const settle = (ended: boolean, error?: Error) => {
      source.off('data', onData).off('end', onEnd).off('error', onError);
      if (error !== undefined) reject(error);
      else resolve({ chunks, ended });
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      chunks.push(buffer);
      read += buffer.length;
      if (read >= bytes) {
        source.pause();
        settle(false);
      }
    };
    const onEnd = () => settle(true);
    const onError = (error: Error) => settle(false, error);
    source.on('data', onData).once('end', onEnd).once('error', onError);
  });
}

function createServiceClient(options: AzureBlobStoreOptions): BlobServiceClient {
  const pipelineOptions: StoragePipelineOptions = {
    retryOptions: {
      retryPolicyType: StorageRetryPolicyType.EXPONENTIAL,
      maxTries: options.retry?.maxTries ?? 8,
      retryDelayInMs: options.retry?.retryDelayMs ?? 500,
      maxRetryDelayInMs: options.retry?.maxRetryDelayMs ?? 8000,
    },
  };
  if (options.connectionString) return BlobServiceClient.fromConnectionString(options.connectionString, pipelineOptions);
  if (options.accountUrl)
    return new BlobServiceClient(options.accountUrl, options.credential ?? new AnonymousCredential(), pipelineOptions);
  throw new Error('createAzureBlobStore needs a connectionString or an accountUrl');
}

function statusCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, details } = error as { code?: unknown; details?: { errorCode?: unknown } };
  if (typeof details?.errorCode === 'string') return details.errorCode;
  return typeof code === 'string' ? code : undefined;
}
