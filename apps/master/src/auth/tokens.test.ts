import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@partita/contracts';
import { SCOPES, findToken, parseApiTokens, scopeCovers } from './tokens.js';

const A = 'a-token-of-24-characters';
const B = 'b-token:with:colons-inside';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The ValidationError parseApiTokens throws for `raw`. */
function refusal(raw: string): ValidationError {
  try {
    parseApiTokens(raw);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error(`accepted: ${raw}`);
}

describe('API_TOKENS', () => {
  it('parses name:scope:token entries; the token is everything after the second colon; white space around entries is dropped', () => {
    const table = parseApiTokens(` ci:write:${A} ,  ops:admin:${B}`);
    expect(table.tokens.map((t) => [t.name, t.scope])).toEqual([
      ['ci', 'write'],
      ['ops', 'admin'],
    ]);
    expect(findToken(table, A)?.name).toBe('ci');
    expect(findToken(table, B)?.name).toBe('ops');
  });

  it('accepts a token written as sha256:<hex> of itself, in either case, and then the hash is not a token', () => {
    const table = parseApiTokens(`low:read:sha256:${sha256(A)},up:write:sha256:${sha256(B).toUpperCase()}`);
    expect(findToken(table, A)?.name).toBe('low');
    expect(findToken(table, B)?.name).toBe('up');
    expect(findToken(table, `sha256:${sha256(A)}`)).toBeUndefined();
    expect(findToken(table, sha256(A))).toBeUndefined();
  });

  it('finds no token for anything but the exact secret', () => {
    const table = parseApiTokens(`ci:write:${A}`);
    for (const wrong of ['', A.slice(0, -1), `${A}x`, ` ${A}`, A.toUpperCase(), B]) expect(findToken(table, wrong), wrong).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(findToken(table, s)?.name).toBe(s === A ? 'ci' : undefined);
      }),
    );
  });

  it('orders scopes read < write < admin', () => {
    expect(SCOPES.flatMap((has) => SCOPES.filter((needs) => scopeCovers(has, needs)).map((needs) => `${has}>=${needs}`))).toEqual([
      'read>=read',
      'write>=read',
      'write>=write',
      'admin>=read',
      'admin>=write',
      'admin>=admin',
    ]);
  });

  it.each([
    ['an empty entry', `ci:read:${A},`, /entry 2: empty/],
    ['no scope', `ci${A}`, /entry 1: expected name:scope:token/],
    ['one colon only', `ci:${A}`, /entry 1: expected name:scope:token/],
    ['an empty token', 'ci:read:', /entry 1: the token is empty/],
    ['an unknown scope', `ci:root:${A}`, /entry 1: the scope must be one of read, write, admin/],
    ['an empty name', `:read:${A}`, /entry 1: the name must be/],
    ['a name with spaces', `c i:read:${A}`, /entry 1: the name must be/],
    ['a short token', 'ci:read:short', /entry 1: the token is shorter than 16 characters/],
    ['a token with white space', 'ci:read:sixteen chars or more', /entry 1: the token contains white space/],
    ['a bad sha256 form', `ci:read:sha256:${sha256(A).slice(1)}`, /entry 1: a sha256: token must be followed by exactly 64 hex digits/],
    ['a duplicate name', `ci:read:${A},ci:write:${B}`, /entry 2: the name is already used by entry 1/],
    ['a duplicate token', `ci:read:${A},ops:write:${A}`, /entry 2: the token is already used by entry 1/],
    ['a token given plain and hashed', `ci:read:${A},ops:write:sha256:${sha256(A)}`, /entry 2: the token is already used by entry 1/],
  ])('refuses %s, naming the entry and why', (_name, raw, reason) => {
    const err = refusal(raw);
    expect(err.message).toMatch(reason);
    expect(err.issues?.[0]?.message).toMatch(reason);
  });

  it('lists every bad entry at once', () => {
    const err = refusal(`ci:read:${A},x:bad:${B},y:read:,z:write:${B}`);
    expect(err.issues?.map((i) => i.message.split(':')[0])).toEqual(['entry 2', 'entry 3']);
  });

  it('never repeats the text of a bad entry, whichever part is wrong', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9+/=_-]{16,40}$/);
    const broken = fc.oneof(
      secret.map((s) => [`ops:superuser:${s}`, s]),
      secret.map((s) => [`${s}:admin`, s]), // the name forgotten
      secret.map((s) => [`ops:${s}:admin`, s]), // scope and token swapped
      secret.map((s) => [`ok:read:${s},ok:write:${s}z`, s]),
      secret.map((s) => [`ok:read:${s},other:read:${s}`, s]),
    );
    fc.assert(
      fc.property(broken, ([raw, s]) => {
        const err = refusal(raw!);
        expect(err.message).not.toContain(s);
        expect(JSON.stringify(err.issues)).not.toContain(s);
      }),
    );
  });
});
