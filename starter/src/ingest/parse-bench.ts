// Level 3 · test support: the graded tests or the lesson's experiments run it, the service does not.
import { parseArgs } from 'node:util';
import { parseFast } from './fast-parser.ts';
import { parseNaive } from './naive-parser.ts';

/**
 * For phase 3 (exercise 3.1): time a parser on a batch of n metrics and on 4n, and print
 * the growth. Run it under the profiler to see where the time goes:
 *   npx tsx starter/src/ingest/parse-bench.ts --parser naive --metrics 500
 *   node --cpu-prof --cpu-prof-dir=.profiles --import tsx starter/src/ingest/parse-bench.ts --parser naive
 */
const { values } = parseArgs({
  options: { parser: { type: 'string', default: 'naive' }, metrics: { type: 'string', default: '500' } },
});
const PARSERS: Record<string, (text: string) => unknown> = { naive: parseNaive, fast: (text) => parseFast(text) };
const parse = PARSERS[values.parser] ?? usage(`--parser must be one of ${Object.keys(PARSERS).join(', ')}, got "${values.parser}"`);
const n = Number(values.metrics);
if (!Number.isInteger(n) || n < 1) usage(`--metrics must be a positive whole number, got "${values.metrics}"`);

function usage(message: string): never {
  throw new Error(message);
}

function payload(count: number): string {
  const metrics = Array.from({ length: count }, (_, i) => ({
    name: `cpu_usage_${i % 5}`,
    value: (i * 37) % 1000 / 10,
    timestamp: new Date(Date.UTC(2025, 8, 17) + i * 1000).toISOString(),
    tags: { host: `web-${i % 4}`, region: i % 2 ? 'eu-west' : 'us-east' },
  }));
  return JSON.stringify({ metrics });
}

/** Median ms per parse over a few samples of at least 50 ms each (after one warm-up sample). */
function msPerParse(text: string): number {
  const samples: number[] = [];
  for (let s = 0; s < 6; s++) {
    let calls = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 50) {
      parse(text);
      calls++;
    }
    if (s > 0) samples.push((performance.now() - t0) / calls);
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1]!;
}

const small = payload(n);
const large = payload(4 * n);
const a = msPerParse(small);
const b = msPerParse(large);
console.log(`${values.parser}: ${n} metrics (${small.length} B) ${a.toFixed(3)} ms, ${4 * n} metrics (${large.length} B) ${b.toFixed(3)} ms`);
console.log(`growth time(4n)/time(n) = ${(b / a).toFixed(1)}  (linear ~4, quadratic ~16)`);
