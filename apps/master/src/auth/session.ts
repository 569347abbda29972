import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, SessionView } from '@partita/contracts';
import { randomBytes } from 'node:crypto';
import { SESSION_COOKIE, clearedSessionCookie, parseCookies, sessionCookie } from './cookies.js';
import { bearerToken, credentialOf, overHttps, unauthorized } from './http.js';
import { sessionToken, type SessionStoreLike } from './plugin.js';
import { SESSION_PATH } from './policy.js';
import { SCOPES, findToken, type TokenTable } from './tokens.js';

const Session = z.object({ name: z.string().describe('The token’s name'), scope: z.enum(SCOPES) });

/**
 * `POST /auth/session`: a valid bearer token starts a session, whose random id (never the token) becomes the session
 * cookie, for browser pages that cannot send the header (the queue board); it lasts `ttlSeconds`. `DELETE
 * /auth/session`: the session ends and the cookie is removed.
 */
export function sessionRoutes(tokens: TokenTable, sessions: SessionStoreLike, ttlSeconds: number) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(SESSION_PATH, {
      schema: {
        summary: 'Sign in: the bearer token becomes an HttpOnly, SameSite=Strict session cookie',
        description: 'Only the Authorization header is accepted here, never a cookie. Answers with the token’s name and scope.',
        security: [{ bearer: [] }],
        response: { 200: Session, 401: ApiError },
      },
      handler: async (request, reply) => {
        const presented = bearerToken(request.headers.authorization);
        const token = presented === undefined ? undefined : findToken(tokens, presented);
        if (presented === undefined || !token) return unauthorized(reply, 'read', presented === undefined ? 'missing' : 'invalid');
        const id = randomBytes(32).toString('base64url');
        await sessions.create(id, { tokenName: token.name, scope: token.scope }, ttlSeconds * 1000);
        request.log.info({ token: token.name }, 'session started');
        return reply.header('set-cookie', sessionCookie(id, overHttps(request), ttlSeconds)).send({ name: token.name, scope: token.scope });
      },
    });

    r.get(SESSION_PATH, {
      schema: {
        summary: 'Who the bearer token or the session cookie is: its name and scope (401 when neither is valid)',
        description: 'The job page asks this to show only what the scope allows (no write buttons for a read token).',
        security: [{ bearer: [] }],
        response: { 200: SessionView, 401: ApiError },
      },
      handler: async (request, reply) => {
        const credential = credentialOf(request);
        const token =
          credential === undefined
            ? undefined
            : credential.via === 'header'
              ? findToken(tokens, credential.token)
              : await sessionToken(tokens, sessions, credential.sessionId);
        if (!token) return unauthorized(reply, 'read', credential === undefined ? 'missing' : 'invalid');
        return { auth: 'on' as const, name: token.name, scope: token.scope };
      },
    });

    r.delete(SESSION_PATH, {
      schema: { summary: 'Sign out: the session cookie is removed', security: [], response: { 204: z.null().describe('Signed out') } },
      handler: async (request, reply) => {
        const id = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
        if (id) await sessions.delete(id);
        return reply
          .header('set-cookie', clearedSessionCookie(overHttps(request)))
          .code(204)
          .send(null);
      },
    });
  };
}

/** With API_AUTH=off, `GET /auth/session` says so: every caller may do everything. */
export function openSessionRoutes() {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.withTypeProvider<ZodTypeProvider>().get(SESSION_PATH, {
      schema: { summary: 'API_AUTH is off: every caller may do everything', response: { 200: SessionView } },
      handler: async () => ({ auth: 'off' as const, name: null, scope: 'admin' as const }),
    });
  };
}
