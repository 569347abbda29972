import { describe, expect, it } from 'vitest';
import { readMasterEnv } from '../env.js';
import { authSettings } from './settings.js';

const SECRET = 'kept-out-of-every-message-0123';
const base = { AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('the master’s auth configuration, checked at start-up', () => {
  it('needs API_TOKENS while API_AUTH is on, which is the default', () => {
    expect(() => readMasterEnv(base)).toThrow(/invalid master configuration:\n {2}API_TOKENS: required when API_AUTH is on/);
    expect(() => readMasterEnv({ ...base, API_AUTH: 'on', API_TOKENS: '' })).toThrow(/API_TOKENS: required/);
  });

  it('needs nothing with API_AUTH=off', () => {
    expect(authSettings(readMasterEnv({ ...base, API_AUTH: 'off' }))).toEqual({ mode: 'off' });
  });

  it('stops on a bad entry, naming its position and the reason, never the token', () => {
    const run = () => readMasterEnv({ ...base, API_TOKENS: `ok:read:${SECRET}1,bad:root:${SECRET}2,ok:write:${SECRET}3` });
    expect(run).toThrow(
      /API_TOKENS: entry 2: the scope must be one of read, write, admin\n {2}API_TOKENS: entry 3: the name is already used by entry 1/,
    );
    expect(run).toThrow(expect.objectContaining({ message: expect.not.stringContaining(SECRET) }));
  });

  it('gives the tokens and whether /metrics is public', () => {
    const env = readMasterEnv({ ...base, API_TOKENS: `ci:write:${SECRET}`, METRICS_PUBLIC: 'false' });
    const settings = authSettings(env);
    expect(settings.mode === 'on' && settings.metricsPublic).toBe(false);
    expect(settings.mode === 'on' && settings.tokens.tokens.map((t) => `${t.name}:${t.scope}`)).toEqual(['ci:write']);
    const defaults = authSettings(readMasterEnv({ ...base, API_TOKENS: `ci:write:${SECRET}` }));
    expect(defaults.mode === 'on' && defaults.metricsPublic).toBe(true);
  });
});
