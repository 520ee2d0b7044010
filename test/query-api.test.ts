import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as StoreModule from '../starter/src/storage/series-store.ts';
import type * as QueryAggModule from '../starter/src/query/query-agg.ts';
import type { RangeResult } from '../starter/src/query/range-query.ts';
import { fromTree, getJson, post, startService, type RunningService } from './support/service.ts';

const T0 = Date.UTC(2030, 0, 1);
const HOSTS = ['web-1', 'web-2', 'db-1'];

describe('GET /query on the finished service', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService();
    const metrics = [];
    for (let i = 0; i < 60; i++) {
      for (const [h, host] of HOSTS.entries()) {
        metrics.push({ name: 'latency_ms', value: h * 100 + i + 1, timestamp: T0 + i * 1000, tags: { host, region: host.startsWith('web') ? 'eu' : 'us' } });
      }
      metrics.push({ name: 'requests_total', value: i < 30 ? i * 10 : (i - 30) * 10, timestamp: T0 + i * 1000, tags: { host: 'web-1' } }); // reset at 30 s
    }
    await post(svc.url, metrics);
  });
  afterAll(() => svc?.close());

  const query = (qs: string) => getJson<RangeResult & { param?: string; reason?: string }>(`${svc.url}/query?start=${T0}&end=${T0 + 59_000}&${qs}`);
  const hostsOf = (r: RangeResult) => r.series.map((s) => s.tags.host).sort();

  it('stays compatible with phase 0 (tags=k:v, step, avg)', async () => {
    const { status, body } = await query('name=latency_ms&tags=host:web-1&step=30s&agg=avg');
    expect(status).toBe(200);
    expect(body.series).toEqual([{ tags: { host: 'web-1', region: 'eu' }, points: [{ t: T0, value: 15.5 }, { t: T0 + 30_000, value: 45.5 }] }]);
    expect(body.step).toBe(30_000);
  });

  it('selects series with =, != and =~ matchers', async () => {
    expect(hostsOf((await query('name=latency_ms&match=region=eu')).body)).toEqual(['web-1', 'web-2']);
    expect(hostsOf((await query('name=latency_ms&match=host!=web-1')).body)).toEqual(['db-1', 'web-2']);
    expect(hostsOf((await query('name=latency_ms&match=host=~web-.*')).body)).toEqual(['web-1', 'web-2']);
    expect(hostsOf((await query('name=latency_ms&match=host!~web-.*')).body)).toEqual(['db-1']);
    expect(hostsOf((await query('name=latency_ms&match=host=~web&match=region=eu')).body), 'a regex matches the whole value').toEqual([]);
  });

  it('computes p50, p95 (phase 0 nearest rank) and p99 over the window', async () => {
    const at = async (agg: string) => (await query(`name=latency_ms&match=host=web-1&agg=${agg}`)).body.series[0]!.points[0]!.value;
    expect(await at('p50')).toBe(30); // values 1..60: sorted[ceil(30)-1]
    expect(await at('p95')).toBe(57); // sorted[ceil(57)-1]
    expect(await at('p99')).toBe(60); // sorted[ceil(59.4)-1]
  });

  it('computes a per-second rate that survives a counter reset', async () => {
    const { body } = await query('name=requests_total&agg=rate&step=30s');
    // each bucket: 29 increases of 10 over 29 s; the reset at 30 s starts the second bucket
    expect(body.series[0]!.points).toEqual([{ t: T0, value: 10 }, { t: T0 + 30_000, value: 10 }]);
    const whole = (await query('name=requests_total&agg=rate')).body.series[0]!.points[0]!.value;
    expect(whole).toBeCloseTo((290 + 0 + 290) / 59, 9); // the drop to 0 counts as an increase of 0
  });

  it.each([
    ['match=host', 'match'],
    ['match=host=~(', 'match'],
    ['agg=p42', 'agg'],
    ['step=-1', 'step'],
  ])('answers 400 naming the parameter for %s', async (qs, param) => {
    const { status, body } = await query(`name=latency_ms&${qs}`);
    expect(status).toBe(400);
    expect(body.param).toBe(param);
  });

  it('lists metrics and their series at GET /series', async () => {
    const { body } = await getJson<{ metrics: Array<{ name: string; series: unknown[] }> }>(`${svc.url}/series`);
    expect(body.metrics.map((m) => [m.name, m.series.length])).toEqual([
      ['latency_ms', 3],
      ['requests_total', 1],
    ]);
  });
});

describe('SeriesStore index', () => {
  it('keeps late points in time order, prunes by retention, and rebuilds from the data file', async () => {
    const { SeriesStore } = await fromTree<typeof StoreModule>('storage/series-store.ts');
    const store = new SeriesStore();
    const m = (t: number, value: number) => ({ name: 'x', value, timestamp: t, tags: { a: '1' }, client: 'test' });
    store.add([m(10, 1), m(30, 3), m(20, 2), m(20, 2.5)]);
    expect(store.select('x', {}, 0, 100)[0]!.points).toEqual([{ t: 10, value: 1 }, { t: 20, value: 2 }, { t: 20, value: 2.5 }, { t: 30, value: 3 }]);
    expect(store.prune(20)).toBe(1);
    expect(store.size).toEqual({ series: 1, points: 3 });
    expect(store.select('x', { a: '1' }, 0, 25)[0]!.points.map((p) => p.t)).toEqual([20, 20]);
  });

  it('restarts with the points of the JSONL log, and retention drops the old ones', async () => {
    const svc = await startService();
    const now = Date.now();
    await post(svc.url, [
      { name: 'mem', value: 1, timestamp: now - 3 * 3_600_000, tags: { host: 'a' } },
      { name: 'mem', value: 2, timestamp: now - 60_000, tags: { host: 'a' } },
    ]);
    const dataFile = `${svc.dir}/metrics.jsonl`;
    await svc.service.close();
    const again = await startService({ args: ['--data-file', dataFile, '--retention', '1h'] });
    try {
      const { body } = await getJson<RangeResult>(`${again.url}/query?name=mem&agg=count`);
      expect(body.series[0]!.points[0]!.value, 'only the point within the last hour is kept').toBe(1);
    } finally {
      await again.close();
      await svc.close();
    }
  });
});

describe('query aggregations', () => {
  it('nearest rank matches phase 0 for p95 and has no answer for rate on one point', async () => {
    const { nearestRank, reduceBucket, counterRate } = await fromTree<typeof QueryAggModule>('query/query-agg.ts');
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(reduceBucket([], values, 'p95')).toBe(95);
    expect(nearestRank(values, 0.95)).toBe(95);
    expect(nearestRank([7], 0.99)).toBe(7);
    expect(counterRate([1000], [5])).toBeUndefined();
  });
});
