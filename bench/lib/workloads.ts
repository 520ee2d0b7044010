import { runLoad } from '../../grader/src/harness/load.ts';
import { metricsPayload } from '../../grader/src/harness/payloads.ts';
import { runPaced } from './paced-client.ts';
import { runWrk } from './wrk.ts';

/** The C++ seed's final figure: 2,253 req/s at p50 0.25 ms. */
export const SEED_RATE = 2253;

export interface Workload {
  id: 'batch1' | 'batch100' | 'paced' | 'durable100' | 'batch1-wrk' | 'batch100-wrk';
  title: string;
  metricsPerRequest: number;
  /** Query string of the POST (the acknowledgement contract), '' for the default. */
  query: string;
  /** The load generator: autocannon (default), or wrk (bench/lib/wrk.ts) for a second opinion. */
  generator?: 'wrk';
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'batch1', title: '1 metric/request, 50 connections', metricsPerRequest: 1, query: '' },
  { id: 'batch100', title: '100 metrics/request, 50 connections', metricsPerRequest: 100, query: '' },
  { id: 'paced', title: `paced ${SEED_RATE.toLocaleString('en-US')} req/s, 1 metric/request`, metricsPerRequest: 1, query: '' },
  // The same two loads from a second, independent generator: a target is met only when both agree.
  { id: 'batch1-wrk', title: '1 metric/request, 50 connections, wrk', metricsPerRequest: 1, query: '', generator: 'wrk' },
  { id: 'batch100-wrk', title: '100 metrics/request, 50 connections, wrk', metricsPerRequest: 100, query: '', generator: 'wrk' },
  // The other contract: every server answers 200 only after the fsync that holds the batch.
  { id: 'durable100', title: '100 metrics/request, ?ack=durable (200 after its fsync), 50 connections', metricsPerRequest: 100, query: '?ack=durable' },
];

/**
 * The body a load run posts: `n` metrics without timestamps, as an agent reporting current values
 * sends them; every server stamps them on arrival. (The same body with fixed timestamps, posted
 * thousands of times, would make MetricStream's time-sorted store insert every point in the middle
 * of its columns: a pattern no live source produces.)
 */
export function loadBody(n: number): string {
  const { metrics } = JSON.parse(metricsPayload(n, 11)) as { metrics: Array<Record<string, unknown>> };
  return JSON.stringify({ metrics: metrics.map(({ timestamp: _, ...m }) => m) });
}

export interface WorkloadResult {
  rps: number;
  metricsPerSec: number;
  p50: number;
  p99: number;
  /** Requests answered 200: each stored `metricsPerRequest` lines. */
  ok: number;
  failed: number;
}

export async function runWorkload(w: Workload, endpoint: string, durationSec: number, connections = 50): Promise<WorkloadResult> {
  const body = loadBody(w.metricsPerRequest);
  const url = endpoint + w.query;
  if (w.id === 'paced') {
    const r = await runPaced({ url, body, rate: SEED_RATE, durationSec, connections });
    const okRate = (r.rate * r.ok) / Math.max(1, r.sent);
    return { rps: okRate, metricsPerSec: okRate, p50: r.p50, p99: r.p99, ok: r.ok, failed: r.failed };
  }
  if (w.generator === 'wrk') {
    const r = await runWrk({ url, body, connections, durationSec });
    return { rps: r.okRps, metricsPerSec: r.okRps * w.metricsPerRequest, p50: r.p50, p99: r.p99, ok: r.ok, failed: r.requests - r.ok };
  }
  const r = await runLoad({ url, method: 'POST', body, connections, durationSec });
  // Only 200s count: a server that answers 503 fast must not look fast.
  return { rps: r.okRps, metricsPerSec: r.okRps * w.metricsPerRequest, p50: r.p50, p99: r.p99, ok: r.ok, failed: r.requests - r.ok };
}
