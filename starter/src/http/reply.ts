// Level 0 · provided: read it, don't change it.
import type { ServerResponse } from 'node:http';

/** What a route handler returns; the router writes it. Handlers stay free of `res` plumbing. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });

export function sendJson(res: ServerResponse, reply: Reply): void {
  // A reply that sets its own content type carries a ready text body (Prometheus exposition format).
  const raw = typeof reply.body === 'string' && reply.headers?.['content-type'] !== undefined;
  const text = raw ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}
