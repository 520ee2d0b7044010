import { runLoad, type LoadResult } from '../../src/harness/load.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { definePerfProbe } from '../../src/harness/perf.ts';

/**
 * The whole course in one number: the finished service (level 7) against the phase-0 proof of
 * concept (level 0) on the ingest path, 100-metric batches over keep-alive connections, same run,
 * same machine. Value: level-7 metrics/s divided by level-0 metrics/s.
 *
 * Both services run at once and are loaded in alternating 1 s slices (0, 7, 0, 7, ...), so a burst
 * of background load on a shared machine hits both sides alike instead of whichever ran second.
 */
const BATCH = 100;
const CONNECTIONS = 20;
const ROUNDS = 3;
const SLICE_SEC = 1;

interface Side {
  level: number;
  requests: number;
  ok: number;
  seconds: number;
  p99s: number[];
  codes: Record<string, number>;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function add(side: Side, r: LoadResult): void {
  side.requests += r.requests;
  side.ok += r.ok;
  side.seconds += r.requests > 0 ? r.requests / r.rps : SLICE_SEC;
  side.p99s.push(r.p99);
  for (const [code, n] of Object.entries(r.statusCodes)) side.codes[code] = (side.codes[code] ?? 0) + n;
}

export default definePerfProbe(async (ctx) => {
  const body = metricsPayload(BATCH, 7);
  const sides: Side[] = [];
  const urls: string[] = [];
  for (const level of [0, 7]) {
    const svc = await ctx.startService({ level, nodeArgs: ['--max-semi-space-size=32'] });
    // Warm-up: a warm JIT and started workers on both sides before anything is measured.
    await runLoad({ url: `${svc.url}/metrics`, method: 'POST', body, connections: 4, durationSec: 1 });
    urls.push(`${svc.url}/metrics`);
    sides.push({ level, requests: 0, ok: 0, seconds: 0, p99s: [], codes: {} });
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, side] of sides.entries()) {
      add(side, await runLoad({ url: urls[i]!, method: 'POST', body, connections: CONNECTIONS, durationSec: SLICE_SEC }));
    }
  }
  const [poc, final] = sides as [Side, Side];
  for (const s of sides) {
    const success = (100 * s.ok) / Math.max(1, s.requests);
    ctx.log(`level ${s.level}: ${(s.requests / s.seconds).toFixed(0)} req/s, p99 ${median(s.p99s).toFixed(1)} ms, success ${success.toFixed(1)}%`);
    if (success < 99) {
      throw new Error(
        `level ${s.level}: only ${success.toFixed(1)}% of ingest requests succeeded (status codes ${JSON.stringify(s.codes)}): ` +
          'the comparison is only meaningful when both services accept the load (is the rate limit too low?)',
      );
    }
  }
  const rps = (s: Side) => s.requests / s.seconds;
  return {
    value: rps(final) / rps(poc),
    details: {
      batch: BATCH,
      connections: CONNECTIONS,
      level0_rps: Math.round(rps(poc)),
      level7_rps: Math.round(rps(final)),
      level0_metrics_per_s: Math.round(rps(poc) * BATCH),
      level7_metrics_per_s: Math.round(rps(final) * BATCH),
      level0_p99_ms: Number(median(poc.p99s).toFixed(1)),
      level7_p99_ms: Number(median(final.p99s).toFixed(1)),
      p99_ratio_level0_over_level7: Number((median(poc.p99s) / median(final.p99s)).toFixed(2)),
    },
  };
});
