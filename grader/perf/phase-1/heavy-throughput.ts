import { definePerfProbe } from '../../src/harness/perf.ts';
import { call } from '../../src/harness/in-process.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { percentile, runHeavyLoad } from '../../tests/phase-1/fixtures/heavy-load.ts';
import { HEAVIER as HEAVY } from './shape.ts';

/**
 * Heavy-batch throughput (metrics accepted per second), level 1 / level 0, same tree, same run;
 * plus what a worker per request costs: the median latency of a 1-metric POST at each level, one
 * request at a time — the gap is the thread start-up paid on every request (phase 6 removes it).
 *
 * Both services run side by side and the load alternates between them in ROUNDS slices
 * (0, 1, 0, 1, …): a slow minute on a shared machine then falls on both levels, not on one.
 */
const ROUNDS = 2;
const SMALL_REQUESTS = 5;

export default definePerfProbe(async (ctx) => {
  const levels = [0, 1] as const;
  const services = [await ctx.startService({ level: 0 }), await ctx.startService({ level: 1 })];
  const smallP50 = [await smallPostP50(services[0]!.url, 0), await smallPostP50(services[1]!.url, 1)];
  const accepted = [0, 0];
  const elapsedMs = [0, 0];
  const slice = { ...HEAVY, durationMs: HEAVY.durationMs / ROUNDS };
  for (let round = 0; round < ROUNDS; round++) {
    for (const level of levels) {
      const r = await runHeavyLoad({ url: services[level]!.url, ...slice });
      if (r.failures.length > 0) throw new Error(`level ${level}: heavy batches failed: ${r.failures.join('; ')}`);
      accepted[level]! += (r.metricsPerSec * r.elapsedMs) / 1000;
      elapsedMs[level]! += r.elapsedMs;
    }
  }
  for (const svc of services) await svc.stop();
  const [base, mine] = levels.map((l) => (accepted[l]! * 1000) / elapsedMs[l]!) as [number, number];
  ctx.log(`heavy batches: level 0 ${Math.round(base)} metrics/s, level 1 ${Math.round(mine)} metrics/s (${ROUNDS} alternating slices each)`);
  return {
    value: mine / base,
    details: {
      'level 0 heavy metrics/s': Math.round(base),
      'level 1 heavy metrics/s': Math.round(mine),
      'level 0 1-metric POST p50 ms': round(smallP50[0]!),
      'level 1 1-metric POST p50 ms': round(smallP50[1]!),
      'worker start-up per request ms (p50 difference)': round(smallP50[1]! - smallP50[0]!),
      load: `${HEAVY.heavyClients} clients x ${HEAVY.metricsPerBatch}-metric batches, ${HEAVY.durationMs / 1000} s per level in ${ROUNDS} alternating slices`,
    },
  };
});

/** Median latency of a 1-metric POST, one request at a time. */
async function smallPostP50(url: string, level: number): Promise<number> {
  const small: number[] = [];
  const body = metricsPayload(1, 5);
  for (let i = 0; i < SMALL_REQUESTS; i++) {
    const t0 = performance.now();
    const res = await call(`${url}/metrics`, { method: 'POST', body });
    if (res.status !== 200) throw new Error(`level ${level}: a 1-metric POST got ${res.status} ${res.text}`);
    small.push(performance.now() - t0);
  }
  small.sort((a, b) => a - b);
  return percentile(small, 50);
}

const round = (v: number) => Math.round(v * 10) / 10;
