import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** `apps/master/public`, from `src/routes` (tests) as from `dist/routes` (built). */
const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** Same-origin only: the page loads its own script and style and talks to its own API. */
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The job page at `/`: plain HTML and JS from `apps/master/public`, reading the REST API. */
export function pageRoutes() {
  return async function routes(app: FastifyInstance): Promise<void> {
    // Assets under /ui/ only: one route per file (no wildcard), so nothing shadows /jobs, /datasets or /docs.
    await app.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/ui/',
      decorateReply: false,
      wildcard: false,
      index: false,
      schemaHide: true,
      setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
    });

    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      const html = await readFile(`${PUBLIC_DIR}index.html`, 'utf8');
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', CSP).send(html);
    });
  };
}
