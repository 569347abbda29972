import type { z } from 'zod';
import { PartitaError } from '@partita/contracts';
import { parseApiTokens, type TokenTable } from './tokens.js';

/** How the master authenticates API requests (from API_AUTH, API_TOKENS and METRICS_PUBLIC). */
export type AuthSettings = { mode: 'off' } | { mode: 'on'; tokens: TokenTable; metricsPublic: boolean };

/** The environment variables the auth settings come from (apps/master/src/env.ts). */
export interface AuthConfig {
  API_AUTH: 'on' | 'off';
  API_TOKENS?: string | undefined;
  METRICS_PUBLIC: boolean;
  /** How long a browser session (the session cookie) lasts, in seconds. */
  SESSION_TTL_SECONDS: number;
}

/** The auth settings of a validated environment. */
export function authSettings(env: AuthConfig): AuthSettings {
  if (env.API_AUTH === 'off') return { mode: 'off' };
  if (!env.API_TOKENS) throw new PartitaError('PARTITA_ERR_CONFIG', 'API_TOKENS is required when API_AUTH is on');
  return { mode: 'on', tokens: parseApiTokens(env.API_TOKENS), metricsPublic: env.METRICS_PUBLIC };
}

/**
 * The master's environment refinement: API_AUTH=on needs API_TOKENS, and API_TOKENS, when set, must parse. Each bad
 * entry is one issue on API_TOKENS naming its position and why, never its text.
 */
export function requireApiTokens(env: AuthConfig, ctx: z.RefinementCtx): void {
  if (env.API_TOKENS === undefined) {
    if (env.API_AUTH === 'on') {
      ctx.addIssue({
        code: 'custom',
        path: ['API_TOKENS'],
        message: 'required when API_AUTH is on: comma-separated name:scope:token entries (or API_AUTH=off, for local use only)',
      });
    }
    return;
  }
  try {
    parseApiTokens(env.API_TOKENS);
  } catch (err) {
    if (!(err instanceof PartitaError) || !err.issues) throw err;
    for (const issue of err.issues) ctx.addIssue({ code: 'custom', path: ['API_TOKENS'], message: issue.message });
  }
}
