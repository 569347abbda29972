import type { BlobStore } from './blob-store.js';

/**
 * Writes `value` as pretty-printed JSON (content type `application/json`), atomically replacing any
 * previous version: how a manifest is published. Returns the bytes written.
 */
export async function putJson(store: BlobStore, container: string, path: string, value: unknown): Promise<{ bytes: number }> {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
  return store.put(container, path, body, { contentType: 'application/json' });
}

/**
 * Reads and parses a JSON blob; the result is unchecked (validate it, e.g. with the manifest schema).
 * Rejects with `BlobNotFoundError` when missing, with a `SyntaxError` naming the blob when not JSON.
 */
export async function getJson(store: BlobStore, container: string, path: string): Promise<unknown> {
  const body = await store.get(container, path);
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new SyntaxError(`${container}/${path} is not valid JSON: ${(error as Error).message}`);
  }
}
