import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, clearedSessionCookie, parseCookies, sessionCookie } from './cookies.js';

describe('Cookie header', () => {
  it('reads name=value pairs separated by `;`, with or without spaces', () => {
    expect([...parseCookies('a=1; b=two;c=3 ;  d = 4')]).toEqual([
      ['a', '1'],
      ['b', 'two'],
      ['c', '3'],
      ['d', '4'],
    ]);
  });

  it('has no cookies without a header or with an empty one', () => {
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies('').size).toBe(0);
    expect(parseCookies(' ; ;').size).toBe(0);
  });

  it('keeps the first of several cookies with one name', () => {
    expect(parseCookies('s=first; s=second').get('s')).toBe('first');
  });

  it('keeps `=` inside values, empties, and drops the quotes of a quoted value', () => {
    const cookies = parseCookies('b64=YWJj==; empty=; q="quoted value"');
    expect(cookies.get('b64')).toBe('YWJj==');
    expect(cookies.get('empty')).toBe('');
    expect(cookies.get('q')).toBe('quoted value');
  });

  it('decodes percent escapes and skips pairs that are malformed or do not decode', () => {
    const cookies = parseCookies('enc=a%3Bb%2Cc; bad=%E0%A4%A; flag; =nameless; ok=1');
    expect(cookies.get('enc')).toBe('a;b,c');
    expect(cookies.has('bad')).toBe(false);
    expect(cookies.has('flag')).toBe(false);
    expect(cookies.has('')).toBe(false);
    expect(cookies.get('ok')).toBe('1');
  });

  it('reads back any token the session cookie carries, next to other cookies', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.boolean(), (token, secure) => {
        const pair = sessionCookie(token, secure, 60).split(';')[0]!;
        expect(parseCookies(`other=1; ${pair}; last=2`).get(SESSION_COOKIE)).toBe(token);
      }),
    );
  });
});

describe('Set-Cookie of the session', () => {
  it('is HttpOnly, SameSite=Strict and for the whole site; Secure only over https; expiring with the session', () => {
    const attributes = (cookie: string) => cookie.split('; ').slice(1);
    expect(attributes(sessionCookie('t', false, 3600)).sort()).toEqual(['HttpOnly', 'Max-Age=3600', 'Path=/', 'SameSite=Strict']);
    expect(attributes(sessionCookie('t', true, 60)).sort()).toEqual(['HttpOnly', 'Max-Age=60', 'Path=/', 'SameSite=Strict', 'Secure']);
  });

  it('is removed by an empty value that expires at once, with the same attributes', () => {
    expect(clearedSessionCookie(false)).toBe(`${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    expect(clearedSessionCookie(true)).toMatch(/; Secure$/);
  });
});
