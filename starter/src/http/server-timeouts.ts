// Level 7 · provided: read it, don't change it.
import type { Server } from 'node:http';
import { PRODUCTION_DEFAULTS, type Config } from '../config.ts';

/**
 * Phase 7.1: keep-alive timeouts set on purpose. keepAliveTimeout outlives a load balancer's usual
 * 60 s idle timeout (else the balancer reuses a socket we are closing: a 502 for the client);
 * headersTimeout is longer than keepAliveTimeout so an idle keep-alive socket is closed by the
 * keep-alive timer; requestTimeout is at least headersTimeout (Node refuses the opposite).
 */
export function applyServerTimeouts(server: Server, config: Config): void {
  server.keepAliveTimeout = config.keepAliveTimeoutMs ?? PRODUCTION_DEFAULTS.keepAliveTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs ?? PRODUCTION_DEFAULTS.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs ?? PRODUCTION_DEFAULTS.requestTimeoutMs;
}
