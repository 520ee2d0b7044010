import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export { percentile };

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections?: number;
  /** Seconds of load; or `amount` requests in total. */
  durationSec?: number;
  amount?: number;
  /** Per-request timeout in seconds. */
  timeoutSec?: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Share of requests answered 2xx, in percent. */
  successRate: number;
  /** Answers per second, whatever their status. */
  rps: number;
  /** 2xx answers per second: the throughput a refusing (429/503) server really delivers. */
  okRps: number;
  /** Latency percentiles in ms from every response (sub-millisecond; autocannon's summary is whole ms). */
  p50: number;
  p95: number;
  p99: number;
  statusCodes: Record<string, number>;
}


/** Drive a URL on 127.0.0.1 with autocannon (keep-alive) for a bounded time or request count. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        method: opts.method ?? 'GET',
        body: opts.body,
        headers: { 'content-type': 'application/json', ...opts.headers },
        connections: opts.connections ?? 10,
        ...(opts.amount ? { amount: opts.amount } : { duration: opts.durationSec ?? 3 }),
        timeout: opts.timeoutSec ?? 10,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    // Per-request times: autocannon's summary percentiles are whole milliseconds.
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const elapsedSec = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ok = result['2xx'];
  const requests = ok + result.non2xx + result.errors + result.timeouts;
  return {
    requests,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    successRate: requests === 0 ? 0 : (100 * ok) / requests,
    rps: latencies.length / elapsedSec,
    okRps: ok / elapsedSec,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    statusCodes: Object.fromEntries(
      Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(
        ([code, s]) => [code, s.count],
      ),
    ),
  };
}

/** The load test's terminal summary. */
export function formatLoad(r: LoadResult): string {
  const codes = Object.entries(r.statusCodes).map(([k, n]) => `${k}: ${n}`).join(', ');
  return [
    `requests   ${r.requests} (${codes || 'no responses'}; errors ${r.errors}, timeouts ${r.timeouts})`,
    `success    ${r.successRate.toFixed(1)}%`,
    `throughput ${r.rps.toFixed(0)} req/s`,
    `latency    p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`,
  ].join('\n');
}
