import { describe, expect, it } from 'vitest';
import { percentile as exactPercentile } from '../../src/harness/load.ts';
import { rng, seedTag } from '../../src/harness/random.ts';
import { importTarget } from '../../src/harness/target.ts';

interface Histogram {
  readonly relativeError: number;
  readonly minValue: number;
  readonly maxValue: number;
  readonly count: number;
  record(value: number): void;
  percentile(p: number): number;
  bucketIndex(value: number): number;
  bucketValue(index: number): number;
  snapshot(): { count: number; min: number; max: number; mean: number; p50: number; p95: number; p99: number };
}
interface HistogramOptions {
  relativeError?: number;
  minValue?: number;
  maxValue?: number;
}
interface HistogramModule {
  LatencyHistogram: new (opts?: HistogramOptions) => Histogram;
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

/** The options the bucket tests run with: the defaults, and a coarse table with its own minimum. */
const TABLES: HistogramOptions[] = [{}, { relativeError: 0.05, minValue: 0.5, maxValue: 10_000 }];
/** Slack for floating-point rounding in gamma^i, far below any relative error a histogram states. */
const EPS = 1e-9;

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

  it('puts each value in the bucket (min·γ^(i-1), min·γ^i], with everything <= min in bucket 0', async () => {
    const { LatencyHistogram } = await importTarget<HistogramModule>('src/stats/latency-histogram.ts');
    const next = rng();
    for (const opts of TABLES) {
      const h = new LatencyHistogram(opts);
      const gamma = (1 + h.relativeError) / (1 - h.relativeError);
      const table = `the table ${JSON.stringify(opts)}`;
      for (const v of [0, h.minValue / 2, h.minValue]) {
        expect(h.bucketIndex(v), `${table}: bucketIndex(${v}) should be 0 (bucket 0 holds every value <= minValue ${h.minValue})`).toBe(0);
      }
      // Log-uniform values over [min, max]: every bucket width gets its share.
      for (let k = 0; k < 2_000; k++) {
        const v = h.minValue * Math.pow(h.maxValue / h.minValue, next());
        const i = h.bucketIndex(v);
        const upper = h.minValue * Math.pow(gamma, i);
        const lower = upper / gamma;
        expect(
          Number.isInteger(i) && v <= upper * (1 + EPS) && v > lower * (1 - EPS),
          `${table}: bucketIndex(${v}) = ${i}, but bucket ${i} holds (${lower}, ${upper}]: i must be the smallest with v <= min·γ^i ${seedTag()}`,
        ).toBe(true);
      }
    }
  });

  it('clamps values above maxValue into the last bucket', async () => {
    const { LatencyHistogram } = await importTarget<HistogramModule>('src/stats/latency-histogram.ts');
    for (const opts of TABLES) {
      const h = new LatencyHistogram(opts);
      const last = h.bucketIndex(h.maxValue * 10);
      expect(h.bucketIndex(h.maxValue), `bucketIndex(maxValue) must not be past the last bucket`).toBeLessThanOrEqual(last);
      for (const v of [h.maxValue * 1e3, h.maxValue * 1e9, Number.MAX_VALUE]) {
        expect(h.bucketIndex(v), `bucketIndex(${v}) should be the last bucket, ${last}, like bucketIndex(maxValue·10): values past maxValue are clamped to the table`).toBe(last);
      }
      h.record(h.maxValue * 100);
      expect(h.percentile(50), 'a value past maxValue is still counted: p50 of that one value is the value itself').toBe(h.maxValue * 100);
    }
  });

  it('counts values past maxValue in the last bucket: none falls off the table', async () => {
    const { LatencyHistogram } = await importTarget<HistogramModule>('src/stats/latency-histogram.ts');
    for (const opts of TABLES) {
      const h = new LatencyHistogram(opts);
      const [low, high] = [h.maxValue * 2, h.maxValue * 1_000];
      h.record(low);
      h.record(high);
      // Both land in the last bucket; its value is clamped to the exact min seen, so rank 1 reports `low` exactly.
      expect(
        h.percentile(50),
        `the table ${JSON.stringify(opts)}: p50 of ${low} and ${high} (both past maxValue ${h.maxValue}) is rank 1, the last bucket ` +
          `clamped to the min seen, ${low}; got ${h.percentile(50)}: a value past maxValue fell off the table (clamp the index to the last counter, counts.length - 1)`,
      ).toBe(low);
    }
  });

  it('reports for each bucket a value within the stated error of both its ends', async () => {
    const { LatencyHistogram } = await importTarget<HistogramModule>('src/stats/latency-histogram.ts');
    for (const opts of [...TABLES, { relativeError: 0.2 }]) {
      const h = new LatencyHistogram(opts);
      const a = h.relativeError;
      const gamma = (1 + a) / (1 - a);
      for (const i of [1, 2, 3, 10, 100, h.bucketIndex(h.maxValue)]) {
        const upper = h.minValue * Math.pow(gamma, i);
        const lower = upper / gamma;
        const got = h.bucketValue(i);
        const worst = Math.max(Math.abs(got - lower) / lower, Math.abs(got - upper) / upper);
        expect(
          worst <= a * (1 + EPS),
          `bucketValue(${i}) with relativeError ${a}: bucket ${i} is (${lower}, ${upper}], so the value reported for it must be within ${a * 100}% of both ends; ` +
            `got ${got}, ${(worst * 100).toFixed(4)}% off (the midpoint and the geometric mean are not: 2·upper/(γ+1) is)`,
        ).toBe(true);
      }
    }
  });

  it('takes the nearest rank ceil(p/100 · count) on a small set', async () => {
    const h = await newHistogram();
    for (const v of [7, 3, 10, 1, 9, 2, 8, 5, 6, 4]) h.record(v);
    // [p, the value at rank ceil(p/100 · 10) of 1..10]
    const cases: Array<[number, number]> = [
      [10, 1],
      [14, 2],
      [50, 5],
      [51, 6],
      [90, 9],
      [91, 10],
      [100, 10],
    ];
    for (const [p, want] of cases) {
      const got = h.percentile(p);
      expect(
        Math.abs(got - want) / want <= h.relativeError + 1e-9,
        `p${p} of the values 1..10 is rank ceil(${p / 10}) = ${Math.ceil(p / 10)}, the value ${want}; got ${got} (a rounded rank or a walk that stops one bucket late gives a neighbour)`,
      ).toBe(true);
    }
  });

  it('counts 0 ms, refuses negative or non-finite latencies and bad options with a RangeError', async () => {
    const { LatencyHistogram } = await importTarget<HistogramModule>('src/stats/latency-histogram.ts');
    const h = new LatencyHistogram();
    h.record(0); // a response faster than the clock's resolution: a real latency, in bucket 0
    h.record(2);
    expect(h.count, 'record(0) and record(2): 0 ms is a latency too, both must be counted').toBe(2);
    expect(Math.abs(h.percentile(100) - 2) / 2 <= h.relativeError + 1e-9, `p100 of 0 and 2 ms should be 2, got ${h.percentile(100)}`).toBe(true);
    for (const v of [-1, -0.001, NaN, Infinity, -Infinity]) {
      expect(() => h.record(v), `record(${v}) is a caller bug (latencies are finite and >= 0): expected a RangeError`).toThrow(RangeError);
    }
    expect(h.count, 'a refused value must not be counted').toBe(2);
    // Each of these makes γ or the table meaningless (γ <= 0, infinite, or a table with nothing to cover).
    const badOptions: HistogramOptions[] = [
      { relativeError: 0 },
      { relativeError: -1 },
      { relativeError: 1 },
      { relativeError: 1.5 },
      { minValue: 0 },
      { minValue: -1 },
      { minValue: 5, maxValue: 5 },
      { minValue: 5, maxValue: 1 },
    ];
    for (const opts of badOptions) {
      expect(() => new LatencyHistogram(opts), `new LatencyHistogram(${JSON.stringify(opts)}): 0 < relativeError < 1 and 0 < minValue < maxValue, expected a RangeError`).toThrow(
        RangeError,
      );
    }
  });

  it('snapshot() reports the count, the exact min, max and mean, and the percentiles; all 0 when empty', async () => {
    const h = await newHistogram();
    for (const v of [4, 1, 3, 2]) h.record(v);
    const s = h.snapshot();
    expect({ count: s.count, min: s.min, max: s.max, mean: s.mean }, 'snapshot of 4, 1, 3, 2 ms: count, exact min, max and mean (sum / count)').toEqual({
      count: 4,
      min: 1,
      max: 4,
      mean: 2.5,
    });
    for (const [key, want] of [['p50', 2], ['p95', 4], ['p99', 4]] as const) {
      expect(Math.abs(s[key] - want) / want <= h.relativeError + 1e-9, `snapshot().${key} of 1..4 ms should be ${want}, got ${s[key]}`).toBe(true);
    }
    const empty = (await newHistogram()).snapshot();
    expect(empty, 'snapshot() of an empty histogram: every figure 0 (not Infinity or NaN, which JSON turns into null)').toEqual({
      count: 0,
      min: 0,
      max: 0,
      mean: 0,
      p50: 0,
      p95: 0,
      p99: 0,
    });
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
