// Level 0 · provided: read it, don't change it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceStats } from '../stats/service-stats.ts';
import { clientIdOf } from './client-id.ts';
import { errorReply } from './error-response.ts';
import { sendJson, type Reply } from './reply.ts';

export interface RequestContext {
  req: IncomingMessage;
  url: URL;
  /** From X-Client-Id / Authorization: Bearer, else `anonymous`. */
  client: string;
}

export type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;
export type Methods = Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', Handler>>;

/**
 * Exact-path routing with 404 / 405 (+ Allow), one error mapping for every route, and the
 * request counters. `onReply` lets the service observe every answer (e.g. latency per route).
 */
export class Router {
  private readonly routes = new Map<string, Methods>();
  /** Set while the service shuts down: answers then ask the client to close its connection. */
  closing = false;

  constructor(
    private readonly stats: ServiceStats,
    private readonly onReply?: (route: string, status: number, startedAt: number) => void,
  ) {}

  route(path: string, methods: Methods): this {
    this.routes.set(path, methods);
    return this;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    this.stats.add('requests');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const methods = this.routes.get(url.pathname);
    let reply: Reply;
    if (!methods) {
      reply = { status: 404, body: { error: 'not_found', path: url.pathname } };
    } else {
      const handler = methods[req.method as keyof Methods];
      if (!handler) {
        const allow = Object.keys(methods).join(', ');
        reply = { status: 405, body: { error: 'method_not_allowed', method: req.method, allow }, headers: { allow } };
      } else {
        try {
          reply = await handler({ req, url, client: clientIdOf(req.headers) });
        } catch (err) {
          reply = errorReply(err);
        }
      }
    }
    if (reply.status >= 500 && reply.status !== 503) this.stats.add('errors');
    else if (reply.status >= 400) this.stats.add('rejected');
    if (this.closing) reply = { ...reply, headers: { ...reply.headers, connection: 'close' } };
    if (!res.headersSent && !res.destroyed) sendJson(res, reply);
    this.onReply?.(url.pathname, reply.status, startedAt);
  }
}
