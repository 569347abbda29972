/**
 * The session cookie: an opaque session id (the catalog keeps its SHA-256, never the token), for browsers' requests
 * that cannot carry a bearer header (the queue board).
 */
export const SESSION_COOKIE = 'partita_session';

/**
 * The cookies of a `Cookie` request header, by name (RFC 6265 `name=value` pairs separated by `;`). The first of
 * several cookies with one name wins; a value in double quotes loses them; percent-escapes are decoded, and a pair
 * that is malformed or does not decode is skipped.
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (name === '' || cookies.has(name)) continue;
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      // a malformed escape: not a cookie of ours
    }
  }
  return cookies;
}

/** `Set-Cookie` for the session: HttpOnly, SameSite=Strict, Path=/, Secure over https, expiring with the session. */
export function sessionCookie(sessionId: string, secure: boolean, maxAgeSeconds: number): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(sessionId)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.floor(maxAgeSeconds)}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(secure ? ['Secure'] : [])].join('; ');
}
