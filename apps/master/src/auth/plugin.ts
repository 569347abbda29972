import type { FastifyInstance } from 'fastify';
import { credentialOf, forbidden, sameOriginOrNone, unauthorized } from './http.js';
import { isSafeMethod, requiredScope } from './policy.js';
import type { AuthSettings } from './settings.js';
import { findToken, scopeCovers } from './tokens.js';

/**
 * Authentication of every request (call before any route or plugin is registered, so that the hook covers them
 * all, the queue board's and the 404 handler included): a bearer token or the session cookie, checked against the
 * scope the route needs (policy.ts). With API_AUTH=off, nothing is checked and one warning says so. The sign-in
 * routes are session.ts's.
 */
export function registerAuth(app: FastifyInstance, settings: AuthSettings): void {
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
    const token = findToken(tokens, credential.token);
    if (!token) return unauthorized(reply, needs, 'invalid');
    // Every later line about this request (the response line included) names the token, never the token itself.
    request.log = reply.log = request.log.child({ token: token.name });
    // A cookie goes with any request the browser makes to us: a change it authorises must come from our own pages.
    if (credential.via === 'cookie' && !isSafeMethod(request.method) && !sameOriginOrNone(request)) {
      return forbidden(reply, 'a request from another origin cannot use the session cookie: send the token as a bearer header');
    }
    if (!scopeCovers(token.scope, needs)) {
      return forbidden(reply, `this request needs a token with scope ${needs}; the token has scope ${token.scope}`, needs);
    }
  });
}
