import { definePerfProbe, type PerfContext } from '../../src/harness/perf.ts';
import { call } from '../../src/harness/in-process.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { percentile, runHeavyLoad } from '../../tests/phase-1/fixtures/heavy-load.ts';
import { HEAVIER as HEAVY } from './shape.ts';

/**
 * Heavy-batch throughput (metrics accepted per second), level 1 / level 0, same tree, same run;
 * plus what a worker per request costs: the median latency of a 1-metric POST at each level, one
 * request at a time — the gap is the thread start-up paid on every request (phase 6 removes it).
 */
export default definePerfProbe(async (ctx) => {
  const base = await measure(ctx, 0);
  const mine = await measure(ctx, 1);
  return {
    value: mine.metricsPerSec / base.metricsPerSec,
    details: {
      'level 0 heavy metrics/s': Math.round(base.metricsPerSec),
      'level 1 heavy metrics/s': Math.round(mine.metricsPerSec),
      'level 0 1-metric POST p50 ms': round(base.smallP50),
      'level 1 1-metric POST p50 ms': round(mine.smallP50),
      'worker start-up per request ms (p50 difference)': round(mine.smallP50 - base.smallP50),
      load: `${HEAVY.heavyClients} clients x ${HEAVY.metricsPerBatch}-metric batches for ${HEAVY.durationMs / 1000} s`,
    },
  };
});

const SMALL_REQUESTS = 5;

async function measure(ctx: PerfContext, level: number) {
  const svc = await ctx.startService({ level });
  const small: number[] = [];
  const body = metricsPayload(1, 5);
  for (let i = 0; i < SMALL_REQUESTS; i++) {
    const t0 = performance.now();
    const res = await call(`${svc.url}/metrics`, { method: 'POST', body });
    if (res.status !== 200) throw new Error(`level ${level}: a 1-metric POST got ${res.status} ${res.text}`);
    small.push(performance.now() - t0);
  }
  small.sort((a, b) => a - b);
  const r = await runHeavyLoad({ url: svc.url, ...HEAVY });
  await svc.stop();
  if (r.failures.length > 0) throw new Error(`level ${level}: heavy batches failed: ${r.failures.join('; ')}`);
  ctx.log(`level ${level}: ${Math.round(r.metricsPerSec)} metrics/s under heavy load; 1-metric POST p50 ${round(percentile(small, 50))} ms`);
  return { metricsPerSec: r.metricsPerSec, smallP50: percentile(small, 50) };
}

const round = (v: number) => Math.round(v * 10) / 10;
