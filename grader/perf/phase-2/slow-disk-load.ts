import type { PerfContext } from '../../src/harness/perf.ts';
import { runLoad, type LoadResult } from '../../src/harness/load.ts';

/**
 * The phase-2 measurement, shared by both probes: the same tree at level 1 (SyncWriter: append +
 * fsync in the request path) and level 2 (the learner's AsyncWriter), both with the same injected
 * disk latency, loaded one after the other with the same 1-metric POSTs. Parsing is pinned inline
 * (`--processor inline`) on both sides so the only difference is the writer: with phase 1's
 * Worker per request, start-up cost would swamp the disk in both runs.
 */
export const DISK_LATENCY_MS = 20;
const CONNECTIONS = 10;
const DURATION_SEC = 3;

const BODY = JSON.stringify({ metrics: [{ name: 'perf_probe', value: 1, tags: { host: 'p' } }] });

export interface SideBySide {
  sync: LoadResult;
  async: LoadResult;
}

async function measure(ctx: PerfContext, level: number): Promise<LoadResult> {
  const svc = await ctx.startService({ level, args: ['--processor', 'inline', '--disk-latency-ms', String(DISK_LATENCY_MS)] });
  ctx.log(`level ${level} on ${svc.url}: ${CONNECTIONS} connections x ${DURATION_SEC} s of POST /metrics`);
  const result = await runLoad({ url: `${svc.url}/metrics`, method: 'POST', body: BODY, connections: CONNECTIONS, durationSec: DURATION_SEC });
  await svc.stop();
  if (result.successRate < 99) {
    throw new Error(`level ${level}: only ${result.successRate.toFixed(1)}% of POSTs answered 2xx (status codes ${JSON.stringify(result.statusCodes)}); fix correctness first`);
  }
  return result;
}

export async function measureSideBySide(ctx: PerfContext): Promise<SideBySide> {
  const sync = await measure(ctx, 1);
  const asyncResult = await measure(ctx, 2);
  return { sync, async: asyncResult };
}

export function details({ sync, async }: SideBySide): Record<string, number | string> {
  const r = (n: number, d = 2) => Number(n.toFixed(d));
  return {
    diskLatencyMs: DISK_LATENCY_MS,
    connections: CONNECTIONS,
    durationSec: DURATION_SEC,
    syncP50Ms: r(sync.p50),
    asyncP50Ms: r(async.p50),
    syncP99Ms: r(sync.p99),
    asyncP99Ms: r(async.p99),
    syncRps: r(sync.rps, 0),
    asyncRps: r(async.rps, 0),
  };
}
