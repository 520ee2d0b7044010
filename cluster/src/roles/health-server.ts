import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The store and alerts roles serve no API, but an operator (and `npm run cluster`) must see that
 * they run and what they did: GET /health answers their counters as JSON.
 */
export async function startHealthServer(host: string, port: number, report: () => Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const [status, body] = req.method === 'GET' && path === '/health' ? [200, { status: 'ok', ...report() }] : [404, { error: 'not_found', reason: 'this node serves GET /health only' }];
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
