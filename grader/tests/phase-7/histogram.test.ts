import { describe, expect, it } from 'vitest';
import { percentile as exactPercentile } from '../../src/harness/load.ts';
import { rng, seedTag } from '../../src/harness/random.ts';
import { importTarget } from '../../src/harness/target.ts';

interface Histogram {
  readonly relativeError: number;
  readonly count: number;
  record(value: number): void;
  percentile(p: number): number;
}
interface HistogramModule {
  LatencyHistogram: new (opts?: { relativeError?: number }) => Histogram;
}

const PERCENTILES = [1, 50, 90, 95, 99, 99.9, 100];

/** Latency-like samples (ms) from a seeded generator. */
function samples(kind: string, n: number, next: () => number): number[] {
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const one = (): number => {
    switch (kind) {
      case 'log-normal around 2 ms':
        return 2 * Math.exp(normal());
      case 'uniform 0.05..500 ms':
        return 0.05 + next() * 499.95;
      case 'bimodal: 92% ~1 ms, 8% ~200 ms (a slow tail)':
        return next() < 0.92 ? 0.5 + next() : 150 + next() * 100;
      default:
        throw new Error(`unknown distribution ${kind}`);
    }
  };
  return Array.from({ length: n }, one);
}

async function newHistogram(relativeError?: number): Promise<Histogram> {
  const { LatencyHistogram } = await importTarget<HistogramModule>('src/stats/latency-histogram.ts');
  return relativeError === undefined ? new LatencyHistogram() : new LatencyHistogram({ relativeError });
}

function expectWithinError(h: Histogram, values: number[], what: string): void {
  const sorted = [...values].sort((a, b) => a - b);
  for (const p of PERCENTILES) {
    const exact = exactPercentile(sorted, p);
    const got = h.percentile(p);
    const error = Math.abs(got - exact) / exact;
    expect(
      error <= h.relativeError + 1e-9,
      `${what}: p${p} should be within ${(h.relativeError * 100).toFixed(2)}% of the exact ${exact.toFixed(4)} ms ` +
        `(nearest rank of ${values.length} values), got ${got} (${(error * 100).toFixed(3)}% off) ${seedTag()}`,
    ).toBe(true);
  }
}

describe('latency histogram (log buckets, stated relative error)', () => {
  for (const kind of ['log-normal around 2 ms', 'uniform 0.05..500 ms', 'bimodal: 92% ~1 ms, 8% ~200 ms (a slow tail)']) {
    it(`percentiles of ${kind} are within the stated error`, async () => {
      const h = await newHistogram();
      expect(h.relativeError, 'the default relative error should be stated as 1% (0.01)').toBe(0.01);
      const values = samples(kind, 50_000, rng());
      for (const v of values) h.record(v);
      expect(h.count, 'count should be the number of recorded values').toBe(values.length);
      expectWithinError(h, values, kind);
    });
  }

  it('honours a coarser relative error (5%) and a finer one (0.2%)', async () => {
    for (const relativeError of [0.05, 0.002]) {
      const h = await newHistogram(relativeError);
      const values = samples('log-normal around 2 ms', 20_000, rng());
      for (const v of values) h.record(v);
      expectWithinError(h, values, `relativeError ${relativeError}`);
    }
  });

  it('reports one value, and a constant stream, exactly; NaN when empty; refuses a bad percentile', async () => {
    const empty = await newHistogram();
    expect(empty.percentile(50), 'an empty histogram has no percentile: expected NaN').toBeNaN();
    const one = await newHistogram();
    one.record(3.7);
    expect(one.percentile(50), 'p50 of a single value 3.7 ms').toBeCloseTo(3.7, 9);
    expect(one.percentile(99), 'p99 of a single value 3.7 ms').toBeCloseTo(3.7, 9);
    const constant = await newHistogram();
    for (let i = 0; i < 1000; i++) constant.record(12.5);
    expect(constant.percentile(95), 'p95 of 1,000 values all 12.5 ms').toBeCloseTo(12.5, 9);
    expect(() => constant.percentile(0), 'percentile(0) is not a rank: expected a RangeError').toThrow(RangeError);
    expect(() => constant.percentile(101), 'percentile(101): expected a RangeError').toThrow(RangeError);
  });
});
