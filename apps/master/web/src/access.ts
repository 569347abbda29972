import type { ApiScope, SessionView } from '@partita/contracts';
import { getJson, isUnauthorized } from './api.js';

/**
 * What the signed-in token may do, from `GET /auth/session` (its scope; with API_AUTH off, everything). Write
 * buttons (start or cancel a run, cancel or retry a job) are drawn only when it covers `write`: a read token sees
 * none, and the API would refuse them anyway.
 */
let scope: ApiScope | null = null;

const ORDER: readonly ApiScope[] = ['read', 'write', 'admin'];

/** Asks the master; null when no valid token (the views' own calls then ask for one). */
export async function learnAccess(): Promise<SessionView | null> {
  try {
    const session = await getJson<SessionView>('/auth/session');
    scope = session.scope;
    return session;
  } catch (err) {
    scope = null;
    if (isUnauthorized(err)) return null;
    throw err;
  }
}

export function canWrite(): boolean {
  return scope !== null && ORDER.indexOf(scope) >= ORDER.indexOf('write');
}

export function forgetAccess(): void {
  scope = null;
}
