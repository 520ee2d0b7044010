import { runHttpLoop } from '../../src/harness/http-loop.ts';
import { definePerfProbe } from '../../src/harness/perf.ts';

/**
 * Exercise 7.1's measured effect: the same level-7 service, the same client code, GET /health with
 * connections reused (keep-alive) vs. a new TCP connection per request. Value: keep-alive req/s
 * divided by new-connection req/s, same run. Recorded, not graded: it measures the platform's
 * connection cost more than the learner's code.
 */
const CONNECTIONS = 16;
const DURATION_MS = 2_000;

export default definePerfProbe(async (ctx) => {
  const svc = await ctx.startService({ level: 7 });
  const url = `${svc.url}/health`;
  await runHttpLoop({ url, connections: 4, durationMs: 500, keepAlive: true }); // warm-up
  const fresh = await runHttpLoop({ url, connections: CONNECTIONS, durationMs: DURATION_MS, keepAlive: false });
  const reused = await runHttpLoop({ url, connections: CONNECTIONS, durationMs: DURATION_MS, keepAlive: true });
  ctx.log(`keep-alive ${reused.rps.toFixed(0)} req/s, new connection per request ${fresh.rps.toFixed(0)} req/s`);
  if (reused.ok === 0 || fresh.ok === 0) throw new Error(`GET /health failed under load (keep-alive ok ${reused.ok}, new-connection ok ${fresh.ok})`);
  return {
    value: reused.rps / fresh.rps,
    details: {
      keepalive_rps: Math.round(reused.rps),
      new_connection_rps: Math.round(fresh.rps),
      keepalive_p99_ms: Number(reused.p99.toFixed(2)),
      new_connection_p99_ms: Number(fresh.p99.toFixed(2)),
      new_connection_errors: fresh.errors,
    },
  };
});
