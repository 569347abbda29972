import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from '@partita/telemetry';

/**
 * The worker's own small HTTP port: `/healthz` and `/readyz` answer 200 while the process runs and 503 once it is
 * draining; `/metrics` serves its Prometheus metrics.
 */
export async function startHealthServer(
  port: number,
  isHealthy: () => boolean,
  metrics: Registry,
  host = '0.0.0.0',
): Promise<{ server: Server; port: number; host: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'application/json', allow: 'GET, HEAD' });
      res.end(JSON.stringify({ statusCode: 405, message: 'method not allowed' }));
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const ok = isHealthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ok' : 'draining' }));
      return;
    }
    if (path === '/metrics') {
      metrics.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics unavailable: ${(err as Error).message}`);
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ statusCode: 404, message: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, port: address.port, host: address.address };
}
