import { definePerfProbe, type Measurement, type PerfContext } from '../../src/harness/perf.ts';
import { loadService, NO_RATE_LIMIT, POOL_LEVEL, round, withPeakRss } from './support.ts';

/**
 * Far past capacity: a small pool (2 workers, 8 waiting) under 300 connections. value = the share
 * of *accepted* requests (everything not refused with 503) that succeeded, in %: load shedding
 * must refuse cleanly and finish what it accepted. The memory of the same service under a light
 * load and under the overload is reported next to it.
 */
const POOL = { ...NO_RATE_LIMIT, METRICSTREAM_POOL_SIZE: '2', METRICSTREAM_POOL_QUEUE: '8' };
const LIGHT_CONNECTIONS = 4;
const OVERLOAD_CONNECTIONS = 300;
const DURATION_SEC = 2;

export async function measureOverload(ctx: PerfContext): Promise<Measurement> {
  const svc = await ctx.startService({ level: POOL_LEVEL, env: POOL });
  ctx.log(`level ${POOL_LEVEL}, pool 2 workers + 8 waiting: ${LIGHT_CONNECTIONS} connections, then ${OVERLOAD_CONNECTIONS}, ${DURATION_SEC} s each`);
  const light = await withPeakRss(svc, () => loadService(svc, LIGHT_CONNECTIONS, DURATION_SEC));
  const heavy = await withPeakRss(svc, () => loadService(svc, OVERLOAD_CONNECTIONS, DURATION_SEC));
  await svc.stop();
  const r = heavy.result;
  const refused = r.statusCodes['503'] ?? 0;
  const accepted = r.requests - refused;
  const other = Object.entries(r.statusCodes).filter(([code]) => !code.startsWith('2') && code !== '503');
  return {
    value: accepted === 0 ? 0 : round((100 * r.ok) / accepted, 3),
    details: {
      connections: OVERLOAD_CONNECTIONS,
      requests: r.requests,
      ok: r.ok,
      refused503: refused,
      otherStatuses: other.length ? JSON.stringify(Object.fromEntries(other)) : 'none',
      errors: r.errors,
      timeouts: r.timeouts,
      p99AllAnswersMs: round(r.p99),
      lightRssPeakMb: round(light.peakMb, 1),
      overloadRssPeakMb: round(heavy.peakMb, 1),
      rssGrowth: round(heavy.peakMb / light.peakMb),
    },
  };
}

export default definePerfProbe(measureOverload);
