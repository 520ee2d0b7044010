import { definePerfProbe } from '../../src/harness/perf.ts';
import { benchSideBySide } from '../../src/harness/micro-bench.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { assertParses, learnerParser, naiveParser } from './parsers.ts';

// Growth: time to parse 4n metrics divided by time for n. Linear work gives ~4, quadratic ~16.
const N = 500;
const NAIVE_N = 125; // the naive parser's growth is shown for comparison, at a size it finishes quickly

export default definePerfProbe(async (ctx) => {
  const fast = await learnerParser();
  const naive = await naiveParser();
  const small = metricsPayload(N, 7);
  const large = metricsPayload(4 * N, 7);
  assertParses('parseFast', fast, small, N);
  assertParses('parseFast', fast, large, 4 * N);
  ctx.log(`timing parseFast at ${N} and ${4 * N} metrics`);
  const t = benchSideBySide({ small: () => fast(small), large: () => fast(large) }, { rounds: 9, warmupRounds: 2, minSampleMs: 40, budgetMs: 5000 });
  const naiveSmall = metricsPayload(NAIVE_N, 7);
  const naiveLarge = metricsPayload(4 * NAIVE_N, 7);
  ctx.log(`timing the naive parser at ${NAIVE_N} and ${4 * NAIVE_N} metrics`);
  const n = benchSideBySide({ small: () => naive(naiveSmall), large: () => naive(naiveLarge) }, { rounds: 3, minSampleMs: 40, budgetMs: 3000 });
  return {
    value: t.large / t.small,
    details: {
      [`parseFast ms @${N}`]: round(t.small),
      [`parseFast ms @${4 * N}`]: round(t.large),
      [`naive ms @${NAIVE_N}`]: round(n.small),
      [`naive ms @${4 * NAIVE_N}`]: round(n.large),
      'naive growth (4x input)': round(n.large / n.small),
    },
  };
});

const round = (x: number): number => Math.round(x * 1000) / 1000;
