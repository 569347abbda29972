import { z } from 'zod';

/** What a token may do, each scope including the ones before it: read < write < admin. */
export const ApiScope = z.enum(['read', 'write', 'admin']);
export type ApiScope = z.infer<typeof ApiScope>;

/**
 * `GET /auth/session`: who the request's credential (bearer token or session cookie) is, so that a page shows only
 * what its scope allows. With `auth: off` the master checks nothing: every caller may do everything.
 */
export const SessionView = z.object({
  auth: z.enum(['on', 'off']),
  /** The token's name; null when auth is off. */
  name: z.string().nullable(),
  scope: ApiScope,
});
export type SessionView = z.infer<typeof SessionView>;
