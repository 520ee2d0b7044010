import http from 'node:http';
import { percentile } from './load.ts';

export interface HttpLoopOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  /** Requests in flight at any time (closed loop: each client sends the next when the last is answered). */
  connections: number;
  durationMs: number;
  /** false: every request opens (and closes) its own TCP connection — what a naive client does. */
  keepAlive: boolean;
}

export interface HttpLoopResult {
  requests: number;
  ok: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
}

/**
 * A small closed-loop HTTP client on node:http, for what autocannon cannot do: requests without
 * keep-alive (autocannon always reuses connections). Targets 127.0.0.1 only, bounded in time.
 */
export async function runHttpLoop(opts: HttpLoopOptions): Promise<HttpLoopResult> {
  const target = new URL(opts.url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') throw new Error(`load only targets 127.0.0.1, got ${target.hostname}`);
  const agent = new http.Agent({ keepAlive: opts.keepAlive, maxSockets: opts.connections });
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + opts.durationMs;
  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(target, { method: opts.method ?? 'GET', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          if (res.statusCode && res.statusCode < 300) ok++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(opts.body);
    });
  await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      while (performance.now() < end) await once();
    }),
  );
  agent.destroy();
  const elapsedSec = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length + errors, ok, errors, rps: latencies.length / elapsedSec, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
