import { definePerfProbe } from '../../src/harness/perf.ts';
import { runLoad } from '../../src/harness/load.ts';

/**
 * The baseline record every later phase compares with: the level-0 service under 50 keep-alive
 * connections sending 1-metric POSTs for 3 s. Graded: the success rate (a PoC must answer
 * everything it is sent at this load). Recorded: req/s and latency percentiles.
 */
const CONNECTIONS = 50;
const DURATION_SEC = 3;

export default definePerfProbe(async (ctx) => {
  const svc = await ctx.startService({ level: 0 });
  const body = JSON.stringify({ metrics: [{ name: 'cpu_usage', value: 75.5, tags: { host: 'load-1' } }] });
  // A short warm-up so JIT compilation does not count as latency.
  await runLoad({ url: `${svc.url}/metrics`, method: 'POST', body, connections: 10, amount: 100 });
  ctx.log(`${CONNECTIONS} connections x ${DURATION_SEC} s of 1-metric POSTs against level 0`);
  const r = await runLoad({ url: `${svc.url}/metrics`, method: 'POST', body, connections: CONNECTIONS, durationSec: DURATION_SEC });
  return {
    value: Math.round(r.successRate * 100) / 100,
    details: {
      requests: r.requests,
      ok: r.ok,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      rps: Math.round(r.rps),
      p50Ms: Math.round(r.p50 * 100) / 100,
      p95Ms: Math.round(r.p95 * 100) / 100,
      p99Ms: Math.round(r.p99 * 100) / 100,
    },
  };
});
