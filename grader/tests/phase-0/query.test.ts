import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postMetrics, startInProcess, type InProcessService } from '../../src/harness/in-process.ts';
import { aggregateModule, T0, type AggName } from './support.ts';

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
