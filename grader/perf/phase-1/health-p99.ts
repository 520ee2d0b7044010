import { definePerfProbe } from '../../src/harness/perf.ts';
import { ms, percentile, runHeavyLoad } from '../../tests/phase-1/fixtures/heavy-load.ts';
import { HEAVY } from './shape.ts';

/**
 * /health p99 while heavy batches are being ingested, level 0 (parsed on the event loop) vs level 1
 * (parsed in a worker per request), same tree, same run. Value: level-0 p99 / level-1 p99.
 */
export default definePerfProbe(async (ctx) => {
  const p99 = async (level: number) => {
    const svc = await ctx.startService({ level });
    const r = await runHeavyLoad({ url: svc.url, ...HEAVY });
    await svc.stop();
    if (r.failures.length > 0) throw new Error(`level ${level}: heavy batches failed: ${r.failures.join('; ')}`);
    if (r.healthMs.length === 0) throw new Error(`level ${level}: no /health request overlapped the heavy batches`);
    ctx.log(`level ${level}: /health p50 ${ms(percentile(r.healthMs, 50))} p99 ${ms(percentile(r.healthMs, 99))} (${r.healthMs.length} answers)`);
    return { p50: percentile(r.healthMs, 50), p99: percentile(r.healthMs, 99), n: r.healthMs.length };
  };
  const base = await p99(0);
  const mine = await p99(1);
  return {
    value: base.p99 / mine.p99,
    details: {
      'level 0 /health p99 ms': round(base.p99),
      'level 1 /health p99 ms': round(mine.p99),
      'level 0 /health p50 ms': round(base.p50),
      'level 1 /health p50 ms': round(mine.p50),
      'level 0 /health answers': base.n,
      'level 1 /health answers': mine.n,
      load: `${HEAVY.heavyClients} clients x ${HEAVY.metricsPerBatch}-metric batches for ${HEAVY.durationMs / 1000} s`,
    },
  };
});

const round = (v: number) => Math.round(v * 10) / 10;
