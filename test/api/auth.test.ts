import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countQueueKeys } from '../support/isolation.js';
import { startStack, type TestStack } from '../support/stack.js';
import { BUILTIN_KINDS, BUILTIN_QUEUES, queueOf } from '../support/kinds.js';

// The master with API_AUTH on, over real HTTP, against the real Redis and PostgreSQL: which request each token may
// make, what a refused one gets, the session cookie for browsers, and that a refused submit leaves nothing behind.

const secret = () => randomBytes(24).toString('base64url');
const READ = secret();
const WRITE = secret();
const ADMIN = secret();
/** Configured only as its SHA-256: `hashed:read:sha256:<hex>`. */
const HASHED = secret();
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const API_TOKENS = `reader:read:${READ},writer:write:${WRITE},ops:admin:${ADMIN},hashed:read:sha256:${sha256(HASHED)}`;

const UNKNOWN_ID = '8d0f5d0e-54c3-4a1e-9a3e-000000000000';
const spec = (container: string) => ({
  kind: 'travel-plan',
  input: { generate: { groups: 20, seed: 3 } },
  optimizer: { algorithm: 'random' },
  partitions: 2,
  output: { container, prefix: 'auth' },
});

interface Call {
  method: string;
  path: string;
  /** The scope the route needs. */
  needs: 'read' | 'write' | 'admin';
  body?: unknown;
}

/** Every data route: the API's, the queue board's page, assets and API, and a path no route serves. */
const routes = (container: string): Call[] => [
  { method: 'GET', path: '/jobs', needs: 'read' },
  { method: 'HEAD', path: '/jobs', needs: 'read' },
  { method: 'GET', path: `/jobs/${UNKNOWN_ID}`, needs: 'read' },
  { method: 'POST', path: '/jobs', needs: 'write', body: spec(container) },
  { method: 'DELETE', path: `/jobs/${UNKNOWN_ID}`, needs: 'write' },
  { method: 'GET', path: '/datasets', needs: 'read' },
  { method: 'GET', path: '/datasets/travel', needs: 'read' },
  { method: 'GET', path: '/admin/queues', needs: 'admin' },
  { method: 'GET', path: '/admin/queues/queue/finalize', needs: 'admin' },
  { method: 'GET', path: '/admin/queues/api/queues', needs: 'admin' },
  { method: 'PUT', path: '/admin/queues/api/queues/finalize/pause', needs: 'admin' },
  { method: 'GET', path: '/no/such/route', needs: 'read' },
  // Spellings of the board's path that the router reads as the board.
  { method: 'GET', path: '/admin/queues/', needs: 'admin' },
  { method: 'GET', path: '/%61dmin/queues/api/queues', needs: 'admin' },
];

function call(stack: TestStack, c: { method: string; path: string; body?: unknown }, headers: Record<string, string> = {}) {
  return fetch(`${stack.baseUrl}${c.path}`, {
    method: c.method,
    headers: { ...(c.body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(c.body === undefined ? {} : { body: JSON.stringify(c.body) }),
    redirect: 'manual',
  });
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The API's error body (plugins/errors.ts): status, code, reason phrase, a message; no stack trace. */
async function expectError(res: Response, status: 401 | 403, messagePattern: RegExp, method: string): Promise<void> {
  expect(res.status).toBe(status);
  if (method === 'HEAD') return; // no body
  const text = await res.text();
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body).toEqual({
    statusCode: status,
    code: status === 401 ? 'PARTITA_ERR_UNAUTHORIZED' : 'PARTITA_ERR_FORBIDDEN',
    error: status === 401 ? 'Unauthorized' : 'Forbidden',
    message: expect.stringMatching(messagePattern),
  });
  expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
  for (const token of [READ, WRITE, ADMIN, HASHED]) expect(text).not.toContain(token);
}

describe('API_AUTH on: tokens and scopes', () => {
  let stack: TestStack;
  const lines: string[] = [];
  beforeAll(async () => {
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    stack = await startStack({ workers: 0, env: { API_AUTH: 'on', API_TOKENS }, logs });
  });
  afterAll(async () => {
    await stack?.close(true);
  });

  it('answers 401 with WWW-Authenticate: Bearer on every data route without a token, with an unknown one, or another scheme', async () => {
    for (const route of routes(stack.container)) {
      const what = `${route.method} ${route.path}`;
      const none = await call(stack, route);
      expect(none.headers.get('www-authenticate'), what).toBe('Bearer realm="partita"');
      await expectError(none, 401, new RegExp(`token with scope ${route.needs} is required`), route.method);

      const wrong = await call(stack, route, bearer(secret()));
      expect(wrong.headers.get('www-authenticate'), what).toBe('Bearer realm="partita", error="invalid_token"');
      await expectError(wrong, 401, new RegExp(`not valid; a token with scope ${route.needs}`), route.method);

      // A known token in another scheme, or a hash of one instead of the token, is no token.
      for (const header of [`Basic ${ADMIN}`, ADMIN, `Bearer sha256:${sha256(HASHED)}`]) {
        const res = await call(stack, route, { authorization: header });
        expect(res.status, `${what} with ${header.split(' ')[0]}`).toBe(401);
        await res.arrayBuffer();
      }
    }
  });

  it('answers 403 naming the scope needed: a read token may not submit or cancel, a write token may not use the queue board', async () => {
    for (const route of routes(stack.container)) {
      const has = (['read', 'write'] as const).filter((s) => s !== route.needs && (s === 'read' || route.needs === 'admin'));
      for (const scope of has) {
        const res = await call(stack, route, bearer(scope === 'read' ? READ : WRITE));
        expect(res.headers.get('www-authenticate'), `${route.method} ${route.path}`).toBe(
          `Bearer realm="partita", error="insufficient_scope", scope="${route.needs}"`,
        );
        await expectError(res, 403, new RegExp(`needs a token with scope ${route.needs}; the token has scope ${scope}`), route.method);
      }
    }
  });

  it('lets each scope do what it covers: read lists and reads, write also submits and cancels, admin also uses the board', async () => {
    const list = await call(stack, { method: 'GET', path: '/jobs' }, bearer(READ));
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ items: expect.any(Array) });
    expect((await call(stack, { method: 'HEAD', path: '/jobs' }, bearer(READ))).status).toBe(200);
    expect((await call(stack, { method: 'GET', path: '/datasets' }, bearer(READ))).status).toBe(200);
    // Past auth, the route answers as it would: no such job.
    expect((await call(stack, { method: 'GET', path: `/jobs/${UNKNOWN_ID}` }, bearer(READ))).status).toBe(404);
    expect((await call(stack, { method: 'GET', path: '/no/such/route' }, bearer(READ))).status).toBe(404);

    const submitted = await call(stack, { method: 'POST', path: '/jobs', body: spec(stack.container) }, bearer(WRITE));
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    const read = await call(stack, { method: 'GET', path: `/jobs/${id}` }, bearer(READ));
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: string }).id).toBe(id);
    const cancelled = await call(stack, { method: 'DELETE', path: `/jobs/${id}` }, bearer(WRITE));
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id, status: 'cancelled' });

    // Admin covers write and read too.
    expect((await call(stack, { method: 'POST', path: '/jobs', body: spec(stack.container) }, bearer(ADMIN))).status).toBe(202);
    const board = await call(stack, { method: 'GET', path: '/admin/queues' }, bearer(ADMIN));
    expect(board.status).toBe(200);
    expect(await board.text()).toMatch(/<html/i);
    const queues = await call(stack, { method: 'GET', path: '/admin/queues/api/queues' }, bearer(ADMIN));
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining([...BUILTIN_QUEUES, 'finalize']));
  });

  it('accepts a token configured as sha256:<hex> when the token itself is presented', async () => {
    const res = await call(stack, { method: 'GET', path: '/jobs' }, bearer(HASHED));
    expect(res.status).toBe(200);
    const submit = await call(stack, { method: 'POST', path: '/jobs', body: spec(stack.container) }, bearer(HASHED));
    await expectError(submit, 403, /scope write; the token has scope read/, 'POST');
  });

  it('leaves the probes, /metrics (METRICS_PUBLIC by default), the page shell and the API docs open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/', '/ui/app.js', '/docs/json']) {
      const res = await call(stack, { method: 'GET', path });
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
      // A wrong token on an open route does not close it.
      expect((await call(stack, { method: 'GET', path }, bearer(secret()))).status, path).toBe(200);
    }
    expect(await (await call(stack, { method: 'GET', path: '/metrics' })).text()).toContain('partita_jobs_submitted_total');
  });

  it('documents the bearer scheme, each operation’s scope and the session routes in the OpenAPI document', async () => {
    const doc = (await (await call(stack, { method: 'GET', path: '/docs/json' })).json()) as {
      components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string }> };
      security: Record<string, string[]>[];
      paths: Record<string, Record<string, { security?: unknown[]; description?: string }>>;
    };
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes['session']).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(doc.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(doc.paths['/jobs']?.['post']?.description).toMatch(/scope `write`/);
    expect(doc.paths['/jobs']?.['get']?.description).toMatch(/scope `read`/);
    expect(doc.paths['/auth/session']?.['post']?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/auth/session']?.['delete']?.security).toEqual([]);
    expect(doc.paths['/healthz']?.['get']?.security).toEqual([]);
  });

  it('logs the name of the token that made a request, never the token', async () => {
    // Only the API's own query parameters are logged: a marker the logs show (see loggableUrl).
    const marker = `/jobs?limit=${101 + (randomBytes(2).readUInt16BE(0) % 399)}&status=running`;
    const res = await call(stack, { method: 'GET', path: marker }, bearer(WRITE));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 100));
    type Line = { reqId?: string; token?: string; msg?: string; req?: { url?: string } };
    const parsed = lines.map((l) => JSON.parse(l) as Line);
    const incoming = parsed.find((l) => l.req?.url === marker);
    expect(incoming?.reqId).toBeDefined();
    const completed = parsed.find((l) => l.reqId === incoming!.reqId && l.msg === 'request completed');
    expect(completed?.token).toBe('writer');
    for (const token of [READ, WRITE, ADMIN, HASHED]) expect(lines.join('\n')).not.toContain(token);
  });
});

describe('API_AUTH on: a refused submit records and enqueues nothing', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { API_AUTH: 'on', API_TOKENS } });
  });
  afterAll(async () => {
    await stack?.close(true);
  });

  const partitionKeys = async () =>
    (await Promise.all(BUILTIN_KINDS.map((k) => countQueueKeys(`${stack.prefix}:${queueOf(k)}`)))).reduce((a, b) => a + b, 0);
  const listed = async () => {
    const res = await call(stack, { method: 'GET', path: '/jobs' }, bearer(READ));
    return ((await res.json()) as { items: unknown[] }).items.length;
  };

  it('keeps the catalog and the queue empty after submits without a token, with a wrong one and with a read token', async () => {
    const post = { method: 'POST', path: '/jobs', body: spec(stack.container) };
    // What the master keeps under the partition queues' keys when nothing is queued (e.g. their `meta`).
    const idle = await partitionKeys();
    expect((await call(stack, post)).status).toBe(401);
    expect((await call(stack, post, bearer(secret()))).status).toBe(401);
    expect((await call(stack, post, bearer(READ))).status).toBe(403);
    // A token in the cookie is no session: the cookie holds a session id the catalog knows.
    expect((await call(stack, post, { cookie: `partita_session=${WRITE}` })).status).toBe(401);
    expect(await listed()).toBe(0);
    expect(await partitionKeys()).toBe(idle);

    // The same request with a write token is recorded and enqueued: the two checks above can see a job.
    expect((await call(stack, post, bearer(WRITE))).status).toBe(202);
    expect(await listed()).toBe(1);
    expect(await partitionKeys()).toBeGreaterThan(idle);
  });
});

describe('API_AUTH on with METRICS_PUBLIC=false', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { API_AUTH: 'on', API_TOKENS, METRICS_PUBLIC: 'false' } });
  });
  afterAll(async () => {
    await stack?.close(true);
  });

  it('asks a read token for /metrics; the probes stay open', async () => {
    const none = await call(stack, { method: 'GET', path: '/metrics' });
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="partita"');
    await expectError(none, 401, /scope read is required/, 'GET');
    const read = await call(stack, { method: 'GET', path: '/metrics' }, bearer(READ));
    expect(read.status).toBe(200);
    expect(await read.text()).toContain('partita_jobs_submitted_total');
    for (const path of ['/healthz', '/readyz']) expect((await call(stack, { method: 'GET', path })).status, path).toBe(200);
  });
});

describe('API_AUTH on: the session cookie for browsers', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { API_AUTH: 'on', API_TOKENS } });
  });
  afterAll(async () => {
    await stack?.close(true);
  });

  /** Signs in with a bearer token; the `name=value` of the cookie set. */
  async function signIn(token: string, headers: Record<string, string> = {}): Promise<{ cookie: string; setCookie: string }> {
    const res = await call(stack, { method: 'POST', path: '/auth/session' }, { ...bearer(token), ...headers });
    expect(res.status).toBe(200);
    const setCookie = res.headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    return { cookie: setCookie[0]!.split(';')[0]!, setCookie: setCookie[0]! };
  }

  it('sets an HttpOnly, SameSite=Strict cookie for the whole site from a bearer token; Secure behind https', async () => {
    const res = await call(stack, { method: 'POST', path: '/auth/session' }, bearer(ADMIN));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'ops', scope: 'admin' });
    const { setCookie } = await signIn(ADMIN);
    const attributes = setCookie.split('; ').slice(1).sort();
    expect(attributes).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict']);
    const secure = await signIn(ADMIN, { 'x-forwarded-proto': 'https' });
    expect(secure.setCookie.split('; ')).toContain('Secure');
  });

  it('signs in only with a valid bearer token, never with a cookie', async () => {
    const session = '/auth/session';
    await expectError(await call(stack, { method: 'POST', path: session }), 401, /is required/, 'POST');
    await expectError(await call(stack, { method: 'POST', path: session }, bearer(secret())), 401, /not valid/, 'POST');
    const { cookie } = await signIn(ADMIN);
    const viaCookie = await call(stack, { method: 'POST', path: session }, { cookie });
    await expectError(viaCookie, 401, /is required/, 'POST');
    expect(viaCookie.headers.getSetCookie()).toEqual([]);
  });

  it('authorises the queue board, its API and the job list with the cookie alone, as the token’s scope allows', async () => {
    const admin = (await signIn(ADMIN)).cookie;
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/jobs']) {
      const res = await call(stack, { method: 'GET', path }, { cookie: `theme=dark; ${admin}` });
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
    }
    const reader = (await signIn(READ)).cookie;
    expect((await call(stack, { method: 'GET', path: '/jobs' }, { cookie: reader })).status).toBe(200);
    await expectError(await call(stack, { method: 'GET', path: '/admin/queues' }, { cookie: reader }), 403, /scope admin/, 'GET');
    // A cookie with an unknown token is no session.
    await expectError(
      await call(stack, { method: 'GET', path: '/jobs' }, { cookie: `partita_session=${secret()}` }),
      401,
      /not valid/,
      'GET',
    );
  });

  it('refuses a change authorised by the cookie alone from another origin, and allows it from the same origin or a bearer token', async () => {
    const { cookie } = await signIn(WRITE);
    const post = { method: 'POST', path: '/jobs', body: spec(stack.container) };
    const foreign = await call(stack, post, { cookie, origin: 'https://evil.example' });
    await expectError(foreign, 403, /another origin cannot use the session cookie/, 'POST');
    await expectError(await call(stack, post, { cookie, origin: 'null' }), 403, /another origin/, 'POST');
    const cancel = await call(stack, { method: 'DELETE', path: `/jobs/${UNKNOWN_ID}` }, { cookie, origin: 'https://evil.example' });
    await expectError(cancel, 403, /another origin/, 'DELETE');

    // The board's own origin: accepted. So is a request without Origin (SameSite=Strict keeps other sites' cookie-less).
    const own = new URL(stack.baseUrl).origin;
    // The same host and port over https is another origin for a master answering over http.
    await expectError(await call(stack, post, { cookie, origin: own.replace('http:', 'https:') }), 403, /another origin/, 'POST');
    expect((await call(stack, post, { cookie, origin: own })).status).toBe(202);
    expect((await call(stack, post, { cookie })).status).toBe(202);
    // A bearer token is not a cookie: no browser sends it on another site's behalf.
    expect((await call(stack, post, { ...bearer(WRITE), origin: 'https://evil.example' })).status).toBe(202);
    // Reads with the cookie are fine from anywhere (the answer stays in the browser that has the cookie).
    expect((await call(stack, { method: 'GET', path: '/jobs' }, { cookie, origin: 'https://evil.example' })).status).toBe(200);

    // The board's own changes, as an admin.
    const admin = (await signIn(ADMIN)).cookie;
    const pause = { method: 'PUT', path: '/admin/queues/api/queues/finalize/pause' };
    await expectError(await call(stack, pause, { cookie: admin, origin: 'https://evil.example' }), 403, /another origin/, 'PUT');
    const paused = await call(stack, pause, { cookie: admin, origin: own });
    expect(paused.status).toBeLessThan(300);
    await paused.arrayBuffer();
    const resumed = await call(stack, { method: 'PUT', path: '/admin/queues/api/queues/finalize/resume' }, { cookie: admin, origin: own });
    expect(resumed.status).toBeLessThan(300);
    await resumed.arrayBuffer();
  });

  it('the cookie holds an opaque session id, kept hashed in the catalog with its expiry, never the token', async () => {
    const { cookie } = await signIn(WRITE);
    const id = decodeURIComponent(cookie.slice('partita_session='.length));
    expect(id).not.toBe(WRITE);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await stack.master.catalog.pool.query<{ id: Buffer; name: string; scope: string; ttl: number; all: string }>(
      `select id_sha256 as id, token_name as name, scope, extract(epoch from expires_at - created_at)::int as ttl, s::text as all
         from sessions s where id_sha256 = $1`,
      [createHash('sha256').update(id).digest()],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'writer', scope: 'write', ttl: 43200 });
    expect(rows[0]!.all).not.toContain(WRITE);
    expect(rows[0]!.all).not.toContain(id);
    expect((await call(stack, { method: 'GET', path: '/jobs' }, { cookie })).status).toBe(200);
    // Expired: refused, and the sweep removes it.
    await stack.master.catalog.pool.query(`update sessions set expires_at = clock_timestamp() - interval '1 second' where id_sha256 = $1`, [
      createHash('sha256').update(id).digest(),
    ]);
    await expectError(await call(stack, { method: 'GET', path: '/jobs' }, { cookie }), 401, /not valid/, 'GET');
    expect(await stack.master.catalog.sessions.deleteExpired()).toBeGreaterThanOrEqual(1);
  });

  it('clears the cookie on DELETE /auth/session', async () => {
    const { cookie } = await signIn(READ);
    const res = await call(stack, { method: 'DELETE', path: '/auth/session' }, { cookie });
    expect(res.status).toBe(204);
    const cleared = res.headers.getSetCookie();
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.split('; ')).toEqual(
      expect.arrayContaining(['partita_session=', 'Max-Age=0', 'Path=/', 'HttpOnly', 'SameSite=Strict']),
    );
    // Signing out needs no token, and the browser, having dropped the cookie, is signed out.
    expect((await call(stack, { method: 'DELETE', path: '/auth/session' })).status).toBe(204);
    expect((await call(stack, { method: 'GET', path: '/jobs' }, { cookie: cleared[0]!.split(';')[0]! })).status).toBe(401);
    // The session itself ended: a copy of the old cookie is refused too.
    expect((await call(stack, { method: 'GET', path: '/jobs' }, { cookie })).status).toBe(401);
  });
});
