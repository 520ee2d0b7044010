import { startService, type RunningService } from '../../src/harness/service.ts';

/** Phase 6's service-level checks: start the tree at a level with a given pool, rate limiter out of the way. */
export function startWithPool(level: number, pool: { size?: number; maxQueue?: number } = {}): Promise<RunningService> {
  const env: Record<string, string> = { METRICSTREAM_RATE_LIMIT: '1000000' }; // phase 4's limiter is not under test
  if (pool.size !== undefined) env.METRICSTREAM_POOL_SIZE = String(pool.size);
  if (pool.maxQueue !== undefined) env.METRICSTREAM_POOL_QUEUE = String(pool.maxQueue);
  return startService({ level, env, startTimeoutMs: 20_000 });
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export async function post(svc: RunningService, body: string, timeoutMs = 15_000): Promise<Answer> {
  const res = await fetch(`${svc.url}/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
