import { authHeaders } from './token.js';

/** A failed API call; `status` 401 means a token is needed. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The API's error, with its message when the body is the API's error body. */
export async function failure(res: Response, what: string): Promise<ApiFailure> {
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') message += `: ${body.message}`;
  } catch {
    // not JSON: the status says enough
  }
  return new ApiFailure(`${what}: ${message}`, res.status);
}

/**
 * A JSON answer of the master's API (same origin). `T` is the contract's view type of the route: the page is
 * typed by the same views the API validates its answers with.
 */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json', ...authHeaders() }, cache: 'no-store' });
  if (!res.ok) throw await failure(res, `GET ${path}`);
  return (await res.json()) as T;
}

/** A change through the API (POST, DELETE…), with a JSON body when given. */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    cache: 'no-store',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw await failure(res, `${method} ${path}`);
  return (await res.json()) as T;
}

export const isUnauthorized = (err: unknown): boolean => err instanceof ApiFailure && err.status === 401;
