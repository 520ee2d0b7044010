import { readFileSync } from 'node:fs';
import type { PerfContext } from '../../src/harness/perf.ts';
import type { RunningService } from '../../src/harness/service.ts';
import { runLoad, type LoadResult } from '../../src/harness/load.ts';

/**
 * Phase 6 measurements shared by its probes: the same tree at level 5 (a Worker per ingest request,
 * phase 1's mechanism) and level 6 (the learner's pool), loaded one after the other with the same
 * POSTs, each after a warm-up that is not measured.
 */
export const BASELINE_LEVEL = 5;
export const POOL_LEVEL = 6;
// Few connections: at level 5 every one of them starts a Worker (a whole isolate loading TypeScript),
// and 2 cores start only a few per second; more connections would only measure that queue longer.
const CONNECTIONS = 4;
const DURATION_SEC = 3;
/** Phase 4's rate limiter is not what is measured here: let every request through it. */
export const NO_RATE_LIMIT = { METRICSTREAM_RATE_LIMIT: '1000000' };

/** Ten metrics with explicit timestamps: a few microseconds of parsing, like a real agent's batch. */
export const BODY = JSON.stringify({
  metrics: Array.from({ length: 10 }, (_, i) => ({ name: `probe.cpu_${i}`, value: i + 0.5, timestamp: 1_700_000_000_000 + i, tags: { host: 'p6' } })),
});

export const round = (n: number, d = 2): number => Number(n.toFixed(d));

async function load(svc: RunningService, connections: number, durationSec: number): Promise<LoadResult> {
  return runLoad({ url: `${svc.url}/metrics`, method: 'POST', body: BODY, connections, durationSec });
}

async function measure(ctx: PerfContext, level: number): Promise<LoadResult> {
  const svc = await ctx.startService({ level, env: NO_RATE_LIMIT });
  ctx.log(`level ${level} on ${svc.url}: one warm-up request, then ${CONNECTIONS} connections x ${DURATION_SEC} s of POST /metrics`);
  // One answered request first: the pool's pre-started workers are ready, the code paths warm.
  // (Not a timed warm-up: at level 5 its abandoned requests would still occupy the next window.)
  await runLoad({ url: `${svc.url}/metrics`, method: 'POST', body: BODY, connections: 1, amount: 1 });
  const result = await load(svc, CONNECTIONS, DURATION_SEC);
  await svc.stop();
  if (result.requests > 0 && result.successRate < 99) {
    throw new Error(`level ${level}: only ${result.successRate.toFixed(1)}% of POSTs answered 2xx (status codes ${JSON.stringify(result.statusCodes)}); fix correctness first`);
  }
  return result;
}

export interface SideBySide {
  perRequest: LoadResult;
  pool: LoadResult;
}

export async function measureSideBySide(ctx: PerfContext): Promise<SideBySide> {
  const perRequest = await measure(ctx, BASELINE_LEVEL);
  const pool = await measure(ctx, POOL_LEVEL);
  return { perRequest, pool };
}

/** Requests/s, never 0: a level that finished nothing in the window did less than 1 request in it. */
export const rpsFloor = (r: LoadResult): number => Math.max(r.rps, 1 / DURATION_SEC);

export function sideBySideDetails({ perRequest, pool }: SideBySide): Record<string, number | string> {
  return {
    perRequestCompleted: perRequest.requests,
    poolCompleted: pool.requests,
    connections: CONNECTIONS,
    durationSec: DURATION_SEC,
    perRequestRps: round(perRequest.rps, 1),
    poolRps: round(pool.rps, 0),
    perRequestP99Ms: round(perRequest.p99),
    poolP99Ms: round(pool.p99),
    perRequestP50Ms: round(perRequest.p50),
    poolP50Ms: round(pool.p50),
  };
}

/** Resident memory of a process in MB, from /proc (Linux); NaN where there is no /proc. */
export function rssMb(pid: number | undefined): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** Run `work` while sampling the service's RSS every 50 ms; returns its result and the peak. */
export async function withPeakRss<T>(svc: RunningService, work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peakMb = rssMb(svc.child.pid);
  const timer = setInterval(() => (peakMb = Math.max(peakMb, rssMb(svc.child.pid))), 50);
  try {
    return { result: await work(), peakMb };
  } finally {
    clearInterval(timer);
  }
}

export { load as loadService };
