import http from 'node:http';
import { percentile } from '../../grader/src/harness/load.ts';

export interface PacedOptions {
  url: string;
  body: string;
  /** Requests per second, spread evenly (open loop: a slow answer does not delay the next send). */
  rate: number;
  durationSec: number;
  /** Keep-alive sockets available; more are never opened. */
  connections?: number;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
}

export interface PacedResult {
  sent: number;
  ok: number;
  failed: number;
  /** Achieved send rate, req/s. */
  rate: number;
  /** From the request's send to the end of its answer, ms. */
  p50: number;
  p99: number;
  /** How late sends were against their schedule (the client's own jitter), ms. */
  lagP99: number;
}

/**
 * A paced client: request i is due at t0 + i/rate. A 1 ms timer sends whatever is due (2-3
 * requests per tick at 2,253 req/s), so load arrives evenly instead of in autocannon's bursts of a
 * second's worth at once, and without a spinning loop that would take a core from the server.
 */
export function runPaced(o: PacedOptions): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections ?? 50 });
  const target = new URL(o.url);
  const payload = Buffer.from(o.body);
  const latencies: number[] = [];
  const lags: number[] = [];
  let sent = 0;
  let done = 0;
  let failed = 0;
  const total = Math.max(1, Math.round(o.rate * o.durationSec));
  const t0 = performance.now();

  return new Promise((resolve) => {
    const finish = (): void => {
      if (done < total) return;
      agent.destroy();
      const elapsed = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      lags.sort((a, b) => a - b);
      resolve({
        sent,
        ok: latencies.length,
        failed,
        rate: sent / Math.max(elapsed, o.durationSec),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        lagP99: percentile(lags, 99),
      });
    };
    const settle = (latency: number | undefined): void => {
      done++;
      if (latency === undefined) failed++;
      else latencies.push(latency);
      finish();
    };
    const sendOne = (): void => {
      const start = performance.now();
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          timeout: o.timeoutMs ?? 5000,
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
        },
        (res) => {
          res.resume();
          res.once('end', () => settle(res.statusCode === 200 ? performance.now() - start : undefined));
        },
      );
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', () => settle(undefined));
      req.end(payload);
    };
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) / 1000) * o.rate) + 1);
      while (sent < due) {
        lags.push(now - (t0 + (sent * 1000) / o.rate));
        sent++;
        sendOne();
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}
