import { createHash, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@partita/contracts';

/** What a token may do, each scope including the ones before it: read < write < admin. */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Does a token of scope `has` cover a request that needs `needs`? */
export function scopeCovers(has: Scope, needs: Scope): boolean {
  return SCOPES.indexOf(has) >= SCOPES.indexOf(needs);
}

/** One API token: its name (logged, never the token) and scope, and the SHA-256 digest of the token. */
export interface ApiToken {
  readonly name: string;
  readonly scope: Scope;
  readonly digest: Buffer;
}

/** The tokens of API_TOKENS, looked up in constant time. */
export interface TokenTable {
  readonly tokens: readonly ApiToken[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const HASHED = /^sha256:([0-9a-fA-F]{64})$/;
/** Plain tokens shorter than this are refused: they can be guessed. */
export const MIN_TOKEN_LENGTH = 16;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Parses API_TOKENS: comma-separated `name:scope:token` entries (the token is everything after the second colon; a
 * token written `sha256:<64 hex digits>` is the SHA-256 of the real one). Throws a ValidationError listing every bad
 * entry by position and reason; it never repeats an entry's text, which may hold a token.
 */
export function parseApiTokens(raw: string): TokenTable {
  const problems: { path: string; message: string }[] = [];
  const tokens: ApiToken[] = [];
  const names = new Map<string, number>();
  const digests = new Map<string, number>();
  raw.split(',').forEach((text, i) => {
    const position = i + 1;
    const problem = (message: string) => problems.push({ path: `API_TOKENS[${position}]`, message: `entry ${position}: ${message}` });
    const entry = text.trim();
    if (entry === '') return problem('empty (expected name:scope:token)');
    const first = entry.indexOf(':');
    const second = first < 0 ? -1 : entry.indexOf(':', first + 1);
    if (second < 0) return problem('expected name:scope:token');
    const name = entry.slice(0, first);
    const scope = entry.slice(first + 1, second);
    const token = entry.slice(second + 1);
    if (!NAME.test(name)) return problem('the name must be 1-64 letters, digits, `_`, `.` or `-`, starting with a letter or digit');
    if (!(SCOPES as readonly string[]).includes(scope)) return problem(`the scope must be one of ${SCOPES.join(', ')}`);
    if (token === '') return problem('the token is empty');
    let digest: Buffer;
    if (token.startsWith('sha256:')) {
      const hex = HASHED.exec(token)?.[1];
      if (!hex) return problem('a sha256: token must be followed by exactly 64 hex digits');
      digest = Buffer.from(hex, 'hex');
    } else {
      if (token.length < MIN_TOKEN_LENGTH) return problem(`the token is shorter than ${MIN_TOKEN_LENGTH} characters`);
      if (/\s/.test(token)) return problem('the token contains white space');
      digest = sha256(token);
    }
    const sameName = names.get(name);
    if (sameName !== undefined) return problem(`the name is already used by entry ${sameName}`);
    const sameToken = digests.get(digest.toString('hex'));
    if (sameToken !== undefined) return problem(`the token is already used by entry ${sameToken}`);
    names.set(name, position);
    digests.set(digest.toString('hex'), position);
    tokens.push({ name, scope: scope as Scope, digest });
  });
  if (problems.length > 0) throw new ValidationError(`invalid API_TOKENS: ${problems.map((p) => p.message).join('; ')}`, problems);
  return { tokens };
}

/**
 * The token a presented secret is, if any. Both sides are SHA-256 digests compared with timingSafeEqual, and every
 * entry is compared, so the time taken says nothing about the secret or which entry matched.
 */
export function findToken(table: TokenTable, presented: string): ApiToken | undefined {
  const digest = sha256(presented);
  let found: ApiToken | undefined;
  for (const token of table.tokens) {
    if (timingSafeEqual(digest, token.digest) && !found) found = token;
  }
  return found;
}
