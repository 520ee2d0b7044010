import { definePerfProbe } from '../../src/harness/perf.ts';
import { benchSideBySide } from '../../src/harness/micro-bench.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { assertParses, learnerParser, naiveParser } from './parsers.ts';

// Throughput on a 1,000-metric batch: how many times faster than the naive parser, in one run.
const N = 1000;

export default definePerfProbe(async (ctx) => {
  const fast = await learnerParser();
  const naive = await naiveParser();
  const text = metricsPayload(N, 11);
  assertParses('parseFast', fast, text, N);
  assertParses('the naive parser', naive, text, N);
  ctx.log(`timing both parsers on ${N} metrics (${text.length} bytes)`);
  const t = benchSideBySide({ fast: () => fast(text), naive: () => naive(text) }, { rounds: 5, minSampleMs: 60, budgetMs: 6000 });
  const mbps = (ms: number) => Math.round((text.length / 1e6 / (ms / 1000)) * 10) / 10;
  return {
    value: t.naive / t.fast,
    details: {
      'payload bytes': text.length,
      'parseFast ms': Math.round(t.fast * 1000) / 1000,
      'naive ms': Math.round(t.naive * 1000) / 1000,
      'parseFast MB/s': mbps(t.fast),
      'naive MB/s': mbps(t.naive),
    },
  };
});
