import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postMetrics, startInProcess, type InProcessService } from '../../src/harness/in-process.ts';
import { isTodoError } from '../../../starter/src/lib/todo.ts';
import { aggregateModule, describeError, T0, type AggName } from './support.ts';

// 1..20 shuffled: every aggregation has one right answer.
const VALUES = [7, 3, 19, 1, 12, 20, 5, 9, 14, 2, 18, 11, 6, 16, 4, 10, 15, 8, 17, 13];
const EXPECTED: Record<AggName, number> = { count: 20, sum: 210, avg: 10.5, min: 1, max: 20, p95: 19 };

describe('aggregate', () => {
  it.each(Object.entries(EXPECTED))('computes %s of 1..20', async (agg, want) => {
    const { aggregate } = await aggregateModule();
    expect(aggregate(VALUES, agg as AggName), `Expected ${agg} of the numbers 1..20 to be ${want}`).toBe(want);
  });

  it('uses the nearest rank for p95', async () => {
    const { aggregate } = await aggregateModule();
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(aggregate(hundred, 'p95'), 'Expected p95 of 1..100 = sorted[ceil(0.95*100)-1] = 95').toBe(95);
    expect(aggregate([42], 'p95'), 'Expected p95 of a single value to be that value').toBe(42);
    expect(aggregate([5, 1, 3], 'p95'), 'Expected p95 of [5,1,3] = sorted[ceil(2.85)-1] = 5').toBe(5);
    expect(aggregate([-2, -8], 'min'), 'Expected min of [-2,-8] to be -8').toBe(-8);
  });

  // [the values, what each aggregation must return, why the case matters]
  const EDGES: Array<[number[], Record<AggName, number>, string]> = [
    [[-5, -2], { count: 2, sum: -7, avg: -3.5, min: -5, max: -2, p95: -2 }, 'all negative: start from the first value, never from 0'],
    [[-7], { count: 1, sum: -7, avg: -7, min: -7, max: -7, p95: -7 }, 'a single negative value'],
    [[3, 8], { count: 2, sum: 11, avg: 5.5, min: 3, max: 8, p95: 8 }, 'all positive: start from the first value, never from 0'],
    [[4, 4, 4], { count: 3, sum: 12, avg: 4, min: 4, max: 4, p95: 4 }, 'equal values'],
    [[0.5, 0.25, 0.125], { count: 3, sum: 0.875, avg: 0.875 / 3, min: 0.125, max: 0.5, p95: 0.5 }, 'fractions'],
    [[-10, -2, -30], { count: 3, sum: -42, avg: -14, min: -30, max: -2, p95: -2 }, 'negatives: sort numerically, not as text'],
    [[100, 9, 20], { count: 3, sum: 129, avg: 43, min: 9, max: 100, p95: 100 }, 'sort by value, not as text ("100" < "20" < "9")'],
    [[0, -1, 0], { count: 3, sum: -1, avg: -1 / 3, min: -1, max: 0, p95: 0 }, 'zeros count as values'],
  ];
  for (const [values, want, why] of EDGES) {
    it(`aggregates [${values.join(',')}] (${why})`, async () => {
      const { aggregate } = await aggregateModule();
      for (const [agg, expected] of Object.entries(want)) {
        const got = aggregate(values, agg as AggName);
        const message = `Expected ${agg} of [${values.join(',')}] to be ${expected} (${why}), got ${got}`;
        // A mean may be summed in another order: allow rounding in the last digits, nothing more.
        if (agg === 'avg') expect(got, message).toBeCloseTo(expected, 12);
        else expect(got, message).toBe(expected);
      }
    });
  }

  it('takes the nearest rank ceil(0.95 n), not a rounded or interpolated one', async () => {
    const { aggregate } = await aggregateModule();
    const eleven = [11, 1, 10, 2, 9, 3, 8, 4, 7, 5, 6];
    expect(aggregate(eleven, 'p95'), `Expected p95 of 1..11 = sorted[ceil(10.45)-1] = 11 (ceil, not round), got ${aggregate(eleven, 'p95')}`).toBe(11);
    const two = [2, 1];
    expect(aggregate(two, 'p95'), `Expected p95 of [1,2] = sorted[ceil(1.9)-1] = 2, got ${aggregate(two, 'p95')}`).toBe(2);
  });

  it('refuses an empty list with a RangeError for every aggregation', async () => {
    const { aggregate } = await aggregateModule();
    for (const agg of Object.keys(EXPECTED) as AggName[]) {
      let outcome: string;
      try {
        outcome = `returned ${aggregate([], agg)}`;
      } catch (err) {
        if (isTodoError(err)) throw err;
        if (err instanceof RangeError || (err as Error | undefined)?.name === 'RangeError') continue;
        outcome = `threw ${describeError(err)}`;
      }
      throw new Error(`Expected aggregate([], '${agg}') to throw a RangeError (an empty list is a programming error), but it ${outcome}`);
    }
  });

  it('does not reorder the caller’s array', async () => {
    const { aggregate } = await aggregateModule();
    const values = [3, 1, 2];
    aggregate(values, 'p95');
    expect(values, 'Expected aggregate to leave its input untouched (sort a copy)').toEqual([3, 1, 2]);
  });
});

describe('bucketize', () => {
  const points = [
    { t: T0, value: 1 },
    { t: T0 + 4_999, value: 3 },
    { t: T0 + 5_000, value: 10 },
    { t: T0 + 12_000, value: 7 },
    { t: T0 + 20_000, value: 100 },
  ];

  it('groups points into [start + i*step, start + (i+1)*step), leaving out empty buckets', async () => {
    const { bucketize } = await aggregateModule();
    const got = bucketize(points, { start: T0, end: T0 + 19_999, step: 5_000, agg: 'sum' });
    expect(got, 'Expected buckets at T0 (1+3), T0+5s (10), T0+10s (7); T0+15s is empty; T0+20s is after end').toEqual([
      { t: T0, value: 4 },
      { t: T0 + 5_000, value: 10 },
      { t: T0 + 10_000, value: 7 },
    ]);
  });

  it('includes both ends of the range', async () => {
    const { bucketize } = await aggregateModule();
    const got = bucketize(points, { start: T0 + 5_000, end: T0 + 20_000, step: 10_000, agg: 'count' });
    expect(got, 'Expected points at t = start and t = end to count (start <= t <= end)').toEqual([
      { t: T0 + 5_000, value: 2 },
      { t: T0 + 15_000, value: 1 },
    ]);
  });

  it('makes one point at the range start without a step, none when the range is empty', async () => {
    const { bucketize } = await aggregateModule();
    expect(bucketize(points, { start: T0 + 1, end: T0 + 12_000, agg: 'avg' }), 'Expected one point: avg(3, 10, 7) at t = start').toEqual([
      { t: T0 + 1, value: 20 / 3 },
    ]);
    expect(bucketize(points, { start: T0 + 30_000, end: T0 + 40_000, agg: 'max' }), 'Expected [] when no point is in range').toEqual([]);
  });

  it('aggregates each bucket on its own values, negative ones included', async () => {
    const { bucketize } = await aggregateModule();
    const cold = [
      { t: T0, value: -5 },
      { t: T0 + 1_000, value: -2 },
      { t: T0 + 10_000, value: -9 },
    ];
    const got = bucketize(cold, { start: T0, end: T0 + 19_999, step: 10_000, agg: 'max' });
    expect(got, `Expected max per bucket [-2 at T0, -9 at T0+10s] (max starts from the bucket's first value, not 0), got ${JSON.stringify(got)}`).toEqual([
      { t: T0, value: -2 },
      { t: T0 + 10_000, value: -9 },
    ]);
  });

  it('starts buckets at the range start, not at multiples of step since 1970', async () => {
    const { bucketize } = await aggregateModule();
    const start = T0 + 3;
    const pts = [
      { t: start, value: 1 },
      { t: start + 9, value: 2 },
      { t: start + 10, value: 4 },
      { t: start + 25, value: 8 },
    ];
    const got = bucketize(pts, { start, end: start + 25, step: 10, agg: 'sum' });
    expect(got, `Expected buckets at start (1+2), start+10 (4) and start+20 (8, the end is included), got ${JSON.stringify(got.map((p) => ({ t: p.t - start, value: p.value })))} (t relative to start)`).toEqual([
      { t: start, value: 3 },
      { t: start + 10, value: 4 },
      { t: start + 20, value: 8 },
    ]);
  });

  it('returns [] for no points and keeps points that share a time stamp', async () => {
    const { bucketize } = await aggregateModule();
    expect(bucketize([], { start: T0, end: T0 + 1_000, step: 100, agg: 'count' }), 'Expected [] for no points').toEqual([]);
    const same = [
      { t: T0 + 500, value: 1 },
      { t: T0 + 500, value: 2 },
      { t: T0 + 500, value: 3 },
    ];
    expect(bucketize(same, { start: T0, end: T0 + 1_000, agg: 'count' }), 'Expected all 3 points at the same t to count').toEqual([{ t: T0, value: 3 }]);
  });

  it('does not depend on the input being sorted', async () => {
    const { bucketize } = await aggregateModule();
    const got = bucketize([...points].reverse(), { start: T0, end: T0 + 20_000, step: 10_000, agg: 'min' });
    expect(got, 'Expected buckets sorted by time even for unsorted input').toEqual([
      { t: T0, value: 1 },
      { t: T0 + 10_000, value: 7 },
      { t: T0 + 20_000, value: 100 },
    ]);
  });
});

describe('GET /query', () => {
  let svc: InProcessService;
  beforeAll(async () => {
    svc = await startInProcess({ level: 0 });
    const metrics = [];
    for (let i = 0; i < 60; i++) {
      metrics.push({ name: 'latency_ms', value: i, timestamp: T0 + i * 1000, tags: { host: 'a', region: 'eu' } });
      metrics.push({ name: 'latency_ms', value: 1000 + i, timestamp: T0 + i * 1000, tags: { host: 'b', region: 'eu' } });
    }
    const res = await postMetrics(svc.url, metrics);
    if (res.status !== 200) throw new Error(`setup: POST /metrics answered ${res.status}: ${res.text}`);
  });
  afterAll(() => svc?.close());

  it('buckets every matching series by step with a duration like 30s', async () => {
    const res = await call(`${svc.url}/query?name=latency_ms&start=${T0}&end=${T0 + 59_000}&step=30s&agg=avg&tags=region:eu`);
    expect(res.status, `Expected 200, got ${res.status}: ${res.text}`).toBe(200);
    const body = res.json as { step: number; series: Array<{ tags: Record<string, string>; points: unknown[] }> };
    expect(body.step, 'Expected step=30s to be echoed as 30000 ms').toBe(30_000);
    const byHost = Object.fromEntries(body.series.map((s) => [s.tags.host, s.points]));
    expect(byHost, 'Expected two series (hosts a and b), each averaged over [0s,30s) and [30s,59s]').toEqual({
      a: [
        { t: T0, value: 14.5 },
        { t: T0 + 30_000, value: 44.5 },
      ],
      b: [
        { t: T0, value: 1014.5 },
        { t: T0 + 30_000, value: 1044.5 },
      ],
    });
  });

  it('filters by tags and computes p95 over the whole range', async () => {
    const res = await call(`${svc.url}/query?name=latency_ms&start=${new Date(T0).toISOString()}&end=${T0 + 59_000}&agg=p95&tags=host:b,region:eu`);
    expect(res.json, 'Expected host b only, p95 of 1000..1059 = 1056').toMatchObject({ series: [{ tags: { host: 'b' }, points: [{ t: T0, value: 1056 }] }] });
  });

  it.each([
    ['a missing name', 'start=0', 'name'],
    ['an unknown aggregation', 'name=latency_ms&agg=median', 'agg'],
    ['a start that is not a time', 'name=latency_ms&start=yesterday', 'start'],
    ['an end before the start', `name=latency_ms&start=${T0}&end=${T0 - 1}`, 'end'],
    ['a zero step', 'name=latency_ms&step=0', 'step'],
    ['a tag without a value', 'name=latency_ms&tags=host', 'tags'],
  ])('answers 400 naming the parameter for %s', async (label, qs, param) => {
    const res = await call(`${svc.url}/query?${qs}`);
    expect(res.status, `Expected 400 for ${label}, got ${res.status}: ${res.text}`).toBe(400);
    expect((res.json as { param?: string }).param, `Expected the 400 body to name "${param}"`).toBe(param);
  });
});
