import { definePerfProbe } from '../../src/harness/perf.ts';
import { benchSideBySide } from '../../src/harness/micro-bench.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { assertParses, learnerParser, naiveParser } from './parsers.ts';

// Growth: time to parse 16n metrics divided by time for n. Linear work gives ~16, quadratic ~256.
// The sizes are 16x apart and the large one is big (8,000 metrics, ~1 MB) so that even a quadratic
// term with a small constant (a fast indexOf or split from the start, once per object) dominates at
// the large size: at 4x apart, 500 -> 2,000, such a parser measured 7.3 and slipped under a gate of 8.
const N = 500;
const FACTOR = 16;
const NAIVE_N = 125; // the naive parser's growth is shown for comparison, at 4x (it is too slow for 16x)

export default definePerfProbe(async (ctx) => {
  const fast = await learnerParser();
  const naive = await naiveParser();
  const small = metricsPayload(N, 7);
  const large = metricsPayload(FACTOR * N, 7);
  assertParses('parseFast', fast, small, N);
  assertParses('parseFast', fast, large, FACTOR * N);
  ctx.log(`timing parseFast at ${N} and ${FACTOR * N} metrics`);
  const t = benchSideBySide({ small: () => fast(small), large: () => fast(large) }, { rounds: 9, warmupRounds: 2, minSampleMs: 40, budgetMs: 6000 });
  const naiveSmall = metricsPayload(NAIVE_N, 7);
  const naiveLarge = metricsPayload(4 * NAIVE_N, 7);
  ctx.log(`timing the naive parser at ${NAIVE_N} and ${4 * NAIVE_N} metrics`);
  const n = benchSideBySide({ small: () => naive(naiveSmall), large: () => naive(naiveLarge) }, { rounds: 3, minSampleMs: 40, budgetMs: 3000 });
  return {
    value: t.large / t.small,
    details: {
      [`parseFast ms @${N}`]: round(t.small),
      [`parseFast ms @${FACTOR * N}`]: round(t.large),
      [`naive ms @${NAIVE_N}`]: round(n.small),
      [`naive ms @${4 * NAIVE_N}`]: round(n.large),
      'naive growth (4x input)': round(n.large / n.small),
    },
  };
});

const round = (x: number): number => Math.round(x * 1000) / 1000;
