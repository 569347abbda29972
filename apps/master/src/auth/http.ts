import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '@partita/contracts';
import { SESSION_COOKIE, parseCookies } from './cookies.js';
import type { Scope } from './tokens.js';

/** The credential a request presents: the bearer header's token, else the session cookie's id. */
export type Credential = { via: 'header'; token: string } | { via: 'cookie'; sessionId: string };

/**
 * A request's credential. An Authorization header, when present, is the only one considered (a bad header is not
 * rescued by a cookie); it must be `Bearer <token>`, or the request presents nothing usable.
 */
export function credentialOf(request: FastifyRequest): Credential | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const token = bearerToken(header);
    return token ? { via: 'header', token } : undefined;
  }
  const sessionId = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
  return sessionId ? { via: 'cookie', sessionId } : undefined;
}

/** The token of an `Authorization: Bearer <token>` header (the scheme's case does not matter). */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
}

/** Did the request reach us over https (directly, or as a proxy in front says with X-Forwarded-Proto)? */
export function overHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return request.protocol === 'https' || first === 'https';
}

/**
 * Is the request's Origin header, when present, this master's origin: its scheme (https only when the request came
 * over https) and its Host? A request without Origin passes.
 */
export function sameOriginOrNone(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const host = request.headers.host;
  if (!host) return false;
  try {
    const from = new URL(origin);
    // The Host read with the Origin's scheme, so that default ports compare equal (`a.example` and `a.example:443`).
    const scheme = overHttps(request) ? 'https:' : 'http:';
    return from.protocol === scheme && new URL(`${scheme}//${host}`).host === from.host;
  } catch {
    return false; // `null` or not a URL
  }
}

const REALM = 'Bearer realm="partita"';
const HOW = 'send it as "Authorization: Bearer <token>", or sign in on the job page at / (browsers)';

/** 401: no token, or one that is not known. The API's error body and `WWW-Authenticate: Bearer`. */
export function unauthorized(reply: FastifyReply, needs: Scope, reason: 'missing' | 'invalid'): FastifyReply {
  const message =
    reason === 'missing'
      ? `a token with scope ${needs} is required: ${HOW}`
      : `the token is not valid; a token with scope ${needs} is required`;
  return reply
    .code(401)
    .header('www-authenticate', reason === 'missing' ? REALM : `${REALM}, error="invalid_token"`)
    .send({ statusCode: 401, code: 'PARTITA_ERR_UNAUTHORIZED', error: 'Unauthorized', message } satisfies ApiError);
}

/** 403: the token is known but may not do this. */
export function forbidden(reply: FastifyReply, message: string, needs?: Scope): FastifyReply {
  if (needs) reply.header('www-authenticate', `${REALM}, error="insufficient_scope", scope="${needs}"`);
  return reply.code(403).send({ statusCode: 403, code: 'PARTITA_ERR_FORBIDDEN', error: 'Forbidden', message } satisfies ApiError);
}
