/** The API token a browser keeps (`localStorage.partitaToken`) and sends as a bearer header with every API call. */

const TOKEN_KEY = 'partitaToken';

/** The saved token; null when none or without storage. */
export function savedToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string | null): void {
  try {
    if (token) window.localStorage.setItem(TOKEN_KEY, token);
    else window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // no storage: the session cookie still signs this browser in
  }
}

export function authHeaders(): Record<string, string> {
  const token = savedToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}
