import { definePerfProbe } from '../../src/harness/perf.ts';
import { benchSideBySide } from '../../src/harness/micro-bench.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { assertParses, learnerParser, targetValidator } from './parsers.ts';

// Reported, not graded: how far the learner's parser (+ validation) is from V8's native JSON.parse
// (+ the same validation). Value = time(parseFast + validate) / time(JSON.parse + validate).
const N = 1000;

export default definePerfProbe(async (ctx) => {
  const fast = await learnerParser();
  const validate = await targetValidator();
  const text = metricsPayload(N, 13);
  assertParses('parseFast', fast, text, N);
  const ingest = { client: 'probe', now: 0 };
  ctx.log(`timing parseFast and JSON.parse on ${N} metrics, with and without validation`);
  const t = benchSideBySide(
    {
      fast: () => fast(text),
      native: () => JSON.parse(text),
      fastValidated: () => validate(fast(text), ingest),
      nativeValidated: () => validate(JSON.parse(text), ingest),
    },
    { rounds: 5, minSampleMs: 25 },
  );
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    value: t.fastValidated / t.nativeValidated,
    details: {
      'parse only: parseFast / JSON.parse': r(t.fast / t.native),
      'parseFast MB/s': r(text.length / 1e3 / t.fast),
      'JSON.parse MB/s': r(text.length / 1e3 / t.native),
      'parseFast + validate ms': r(t.fastValidated),
      'JSON.parse + validate ms': r(t.nativeValidated),
    },
  };
});
