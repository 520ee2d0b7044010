import { runLoad } from '../../grader/src/harness/load.ts';
import { metricsPayload } from '../../grader/src/harness/payloads.ts';
import { runPaced } from './paced-client.ts';

/** The C++ seed's final figure: 2,253 req/s at p50 0.25 ms. */
export const SEED_RATE = 2253;

export interface Workload {
  id: 'batch1' | 'batch100' | 'paced';
  title: string;
  metricsPerRequest: number;
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'batch1', title: '1 metric/request, 50 connections', metricsPerRequest: 1 },
  { id: 'batch100', title: '100 metrics/request, 50 connections', metricsPerRequest: 100 },
  { id: 'paced', title: `paced ${SEED_RATE.toLocaleString('en-US')} req/s, 1 metric/request`, metricsPerRequest: 1 },
];

export interface WorkloadResult {
  rps: number;
  metricsPerSec: number;
  p50: number;
  p99: number;
  /** Requests answered 200: each stored `metricsPerRequest` lines. */
  ok: number;
  failed: number;
}

export async function runWorkload(w: Workload, url: string, durationSec: number, connections = 50): Promise<WorkloadResult> {
  const body = metricsPayload(w.metricsPerRequest, 11);
  if (w.id === 'paced') {
    const r = await runPaced({ url, body, rate: SEED_RATE, durationSec, connections });
    return { rps: r.rate, metricsPerSec: r.rate, p50: r.p50, p99: r.p99, ok: r.ok, failed: r.failed };
  }
  const r = await runLoad({ url, method: 'POST', body, connections, durationSec });
  return { rps: r.rps, metricsPerSec: r.rps * w.metricsPerRequest, p50: r.p50, p99: r.p99, ok: r.ok, failed: r.requests - r.ok };
}
