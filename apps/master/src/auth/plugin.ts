import type { FastifyInstance } from 'fastify';
import { credentialOf, forbidden, sameOriginOrNone, unauthorized } from './http.js';
import { isSafeMethod, requiredScope } from './policy.js';
import type { AuthSettings } from './settings.js';
import { findToken, scopeCovers, type ApiToken, type TokenTable } from './tokens.js';

/** Where browser sessions are kept (the catalog's sessions). */
export interface SessionStoreLike {
  create(id: string, session: { tokenName: string; scope: string }, ttlMs: number): Promise<void>;
  find(id: string): Promise<{ tokenName: string; scope: string } | null>;
  delete(id: string): Promise<void>;
}

/**
 * The token a session signed in with, while it is still configured with the same scope: removing a token from
 * API_TOKENS (or changing its scope) ends its sessions.
 */
export async function sessionToken(tokens: TokenTable, sessions: SessionStoreLike, id: string): Promise<ApiToken | undefined> {
  const session = await sessions.find(id);
  if (!session) return undefined;
  return tokens.tokens.find((t) => t.name === session.tokenName && t.scope === session.scope);
}

/**
 * Authentication of every request (call before any route or plugin is registered, so that the hook covers them
 * all, the queue board's and the 404 handler included): a bearer token or the session cookie (a session id the
 * catalog knows, not expired, of a token still configured), checked against the
 * scope the route needs (policy.ts). With API_AUTH=off, nothing is checked and one warning says so. The sign-in
 * routes are session.ts's.
 */
declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the token the request came with; null without auth (API_AUTH=off) or on open routes. */
    tokenName: string | null;
  }
}

export function registerAuth(app: FastifyInstance, settings: AuthSettings, sessions: SessionStoreLike): void {
  app.decorateRequest('tokenName', null);
  if (settings.mode === 'off') {
    app.log.warn('API_AUTH is off: every route answers without a token; for local use only');
    return;
  }
  const { tokens, metricsPublic } = settings;

  app.addHook('onRequest', async (request, reply) => {
    const needs = requiredScope(request.method, request.routeOptions.url, { metricsPublic });
    if (needs === null) return;
    const credential = credentialOf(request);
    if (!credential) return unauthorized(reply, needs, 'missing');
    const token =
      credential.via === 'header' ? findToken(tokens, credential.token) : await sessionToken(tokens, sessions, credential.sessionId);
    if (!token) return unauthorized(reply, needs, 'invalid');
    // Every later line about this request (the response line included) names the token, never the token itself.
    request.log = reply.log = request.log.child({ token: token.name });
    request.tokenName = token.name;
    // A cookie goes with any request the browser makes to us: a change it authorises must come from our own pages.
    if (credential.via === 'cookie' && !isSafeMethod(request.method) && !sameOriginOrNone(request)) {
      return forbidden(reply, 'a request from another origin cannot use the session cookie: send the token as a bearer header');
    }
    if (!scopeCovers(token.scope, needs)) {
      return forbidden(reply, `this request needs a token with scope ${needs}; the token has scope ${token.scope}`, needs);
    }
  });
}
