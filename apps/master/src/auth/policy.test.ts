import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { bearerToken, sameOriginOrNone } from './http.js';
import { requiredScope } from './policy.js';

const open = { metricsPublic: true };
const closed = { metricsPublic: false };

describe('the scope a route needs', () => {
  it.each([
    ['GET', '/jobs', 'read'],
    ['HEAD', '/jobs', 'read'],
    ['GET', '/jobs/:id', 'read'],
    ['GET', '/datasets', 'read'],
    ['GET', '/datasets/:name', 'read'],
    ['POST', '/jobs', 'write'],
    ['DELETE', '/jobs/:id', 'write'],
    ['PUT', '/jobs/:id', 'write'],
    ['OPTIONS', '/jobs', 'write'],
    ['GET', '/admin/queues', 'admin'],
    ['GET', '/admin/queues/', 'admin'],
    ['GET', '/admin/queues/static/*', 'admin'],
    ['GET', '/admin/queues/api/queues', 'admin'],
    ['PUT', '/admin/queues/api/queues/:queueName/pause', 'admin'],
    // A route that only starts like the board's is an ordinary one.
    ['GET', '/admin/queuesque', 'read'],
    // No route matched: a token first, then the 404.
    ['GET', undefined, 'read'],
    ['POST', undefined, 'write'],
  ] as const)('%s %s needs %s', (method, route, scope) => {
    expect(requiredScope(method, route, open)).toBe(scope);
    expect(requiredScope(method, route, closed)).toBe(scope);
  });

  it.each([
    ['GET', '/healthz'],
    ['GET', '/readyz'],
    ['HEAD', '/healthz'],
    ['GET', '/'],
    ['GET', '/ui/app.js'],
    ['GET', '/docs'],
    ['GET', '/docs/json'],
    ['GET', '/docs/static/*'],
    ['POST', '/auth/session'],
    ['DELETE', '/auth/session'],
  ] as const)('%s %s is open', (method, route) => {
    expect(requiredScope(method, route, open)).toBeNull();
    expect(requiredScope(method, route, closed)).toBeNull();
  });

  it('opens /metrics only when METRICS_PUBLIC', () => {
    expect(requiredScope('GET', '/metrics', open)).toBeNull();
    expect(requiredScope('GET', '/metrics', closed)).toBe('read');
  });
});

describe('the Authorization header', () => {
  it('gives the token of `Bearer <token>`, whatever the scheme’s case, and nothing for other forms', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('BEARER\tabc')).toBe('abc');
    for (const bad of [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'Bearerabc', 'abc'])
      expect(bearerToken(bad), bad).toBeUndefined();
  });
});

describe('a cookie-authorised change comes from our own origin', () => {
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

  it('passes without an Origin header (SameSite=Strict keeps other sites’ requests cookie-less)', () => {
    expect(sameOriginOrNone(request({ host: 'partita.example' }))).toBe(true);
  });

  it('passes when the Origin is the Host, default ports included', () => {
    expect(sameOriginOrNone(request({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' }))).toBe(true);
    const tls = { 'x-forwarded-proto': 'https' };
    expect(sameOriginOrNone(request({ ...tls, host: 'partita.example', origin: 'https://partita.example' }))).toBe(true);
    expect(sameOriginOrNone(request({ ...tls, host: 'partita.example:443', origin: 'https://partita.example' }))).toBe(true);
    expect(sameOriginOrNone(request({ ...tls, host: 'Partita.Example', origin: 'https://partita.example' }))).toBe(true);
  });

  it.each([
    ['another host', 'partita.example', 'https://evil.example'],
    ['another port', '127.0.0.1:8080', 'http://127.0.0.1:8081'],
    ['a host that only starts alike', 'partita.example', 'https://partita.example.evil.example'],
    ['a default port of the other scheme', 'partita.example:80', 'https://partita.example'],
    ['an opaque origin', 'partita.example', 'null'],
    ['a non-web scheme', 'partita.example', 'file://partita.example'],
    ['no Host', '', 'https://partita.example'],
    ['an https Origin at an http master', '127.0.0.1:8080', 'https://127.0.0.1:8080'],
    ['an https Origin at an http master, default ports', 'partita.example', 'https://partita.example'],
  ])('refuses %s', (_name, host, origin) => {
    expect(sameOriginOrNone(request(host ? { host, origin } : { origin }))).toBe(false);
  });
});
