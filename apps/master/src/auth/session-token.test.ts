import { describe, expect, it } from 'vitest';
import { sessionToken } from './plugin.js';
import { parseApiTokens } from './tokens.js';

describe('the token behind a session', () => {
  const sessions = new Map([['s1', { tokenName: 'ci', scope: 'write' }]]);
  const store = {
    create: async () => undefined,
    delete: async () => undefined,
    find: async (id: string) => sessions.get(id) ?? null,
  };
  const token = 'x'.repeat(32);

  it('is the configured token of that name and scope; a removed or re-scoped token ends its sessions', async () => {
    expect((await sessionToken(parseApiTokens(`ci:write:${token}`), store, 's1'))?.name).toBe('ci');
    expect(await sessionToken(parseApiTokens(`ci:write:${token}`), store, 'unknown')).toBeUndefined();
    expect(await sessionToken(parseApiTokens(`other:write:${token}`), store, 's1')).toBeUndefined();
    expect(await sessionToken(parseApiTokens(`ci:admin:${token}`), store, 's1')).toBeUndefined();
  });
});
