import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** `apps/master/public` (the page's HTML and style), from `src/routes` (tests) as from `dist/routes` (built). */
const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));
/** The page's modules, compiled from `apps/master/web` by the project's build (`tsc -b`) into the master's dist. */
const UI_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url));
/**
 * The shared formatting package's compiled modules (the CLI prints with the same), served under `/ui/format/`: the
 * page imports `./format/index.js` relative to its own modules, so the browser needs no import map.
 */
const FORMAT_DIR = `${dirname(createRequire(import.meta.url).resolve('@partita/format'))}/`;

/**
 * Same-origin only: the page loads its own modules and style and talks to its own API; no inline script or style, no
 * eval, no plugins, no framing, no form posted elsewhere.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Only what a browser loads: modules, style and HTML (not the compiler's declarations or maps). */
const served = (path: string): boolean => /\.(js|css|html)$/.test(path);

/** The page at `/`: plain HTML, a style sheet and ES modules compiled from TypeScript, reading the REST API. */
export function pageRoutes() {
  return async function routes(app: FastifyInstance): Promise<void> {
    // Assets under /ui/ only: one route per file (no wildcard), so nothing shadows /jobs, /datasets or /docs.
    const assets = { decorateReply: false, wildcard: false, index: false, schemaHide: true, allowedPath: served } as const;
    const noCache = {
      setHeaders: (res: { setHeader(name: string, value: string): unknown }) => res.setHeader('cache-control', 'no-cache'),
    };
    await app.register(fastifyStatic, { root: [PUBLIC_DIR, UI_DIR], prefix: '/ui/', ...assets, ...noCache });
    await app.register(fastifyStatic, { root: FORMAT_DIR, prefix: '/ui/format/', ...assets, ...noCache });

    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      const html = await readFile(`${PUBLIC_DIR}index.html`, 'utf8');
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', CSP).send(html);
    });
  };
}
