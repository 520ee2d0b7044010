import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { call, postMetrics, startInProcess, type InProcessService } from '../../src/harness/in-process.ts';
import { clockModule, T0 } from './support.ts';

let open: InProcessService[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});
async function start(opts: Parameters<typeof startInProcess>[0]): Promise<InProcessService> {
  const svc = await startInProcess(opts);
  open.push(svc);
  return svc;
}

const iso = (t: number) => new Date(t).toISOString();
const readLines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);

describe('POST /metrics then GET /query', () => {
  it('returns what was posted, and the data file holds exactly one line per metric', async () => {
    const svc = await start({ level: 0 });
    const sent = [
      { name: 'cpu_usage', value: 75.5, timestamp: iso(T0), tags: { host: 'a' } },
      { name: 'cpu_usage', value: 80, timestamp: iso(T0 + 1000), tags: { host: 'a' } },
      { name: 'cpu_usage', value: 10.25, timestamp: iso(T0 + 2000), tags: { host: 'b' } },
    ];
    const res = await postMetrics(svc.url, sent, { 'x-client-id': 'abc' });
    expect(res.status, `Expected 200 for a valid batch, got ${res.status}: ${res.text}`).toBe(200);
    expect(res.json, 'Expected the body {"accepted":3}').toEqual({ accepted: 3 });

    const q = await call(`${svc.url}/query?name=cpu_usage&start=${iso(T0)}&end=${T0 + 10_000}&agg=max&tags=host:a`);
    expect(q.status, `Expected 200 from GET /query, got ${q.status}: ${q.text}`).toBe(200);
    expect(q.json, 'Expected the max of host a over the range, as one point at the start of the range').toEqual({
      name: 'cpu_usage',
      agg: 'max',
      start: T0,
      end: T0 + 10_000,
      series: [{ tags: { host: 'a' }, points: [{ t: T0, value: 80 }] }],
    });

    const expectedLines = sent.map((m) => JSON.stringify({ name: m.name, value: m.value, timestamp: m.timestamp, tags: m.tags, client: 'abc' }));
    expect(readLines(svc.dataFile), 'Expected the data file to hold one JSON line per metric, in order, in the documented format').toEqual(expectedLines);
  });

  it('takes the client from Authorization: Bearer, else "anonymous", and the time from the Clock', async () => {
    const { ManualClock } = await clockModule();
    const svc = await start({ level: 0, clock: new ManualClock(T0 + 42) });
    expect((await postMetrics(svc.url, [{ name: 'up', value: 1 }], { authorization: 'Bearer team-42' })).status).toBe(200);
    expect((await postMetrics(svc.url, [{ name: 'up', value: 0 }])).status).toBe(200);
    const lines = readLines(svc.dataFile).map((l) => JSON.parse(l) as { client: string; timestamp: string });
    expect(
      lines.map((l) => [l.client, l.timestamp]),
      'Expected clients "team-42" then "anonymous", both stamped with the service Clock time (no timestamp was sent)',
    ).toEqual([
      ['team-42', iso(T0 + 42)],
      ['anonymous', iso(T0 + 42)],
    ]);
  });

  it('keeps the data across a restart (the store is rebuilt from the data file)', async () => {
    const first = await startInProcess({ level: 0 });
    await postMetrics(first.url, [{ name: 'disk_free', value: 7, timestamp: T0, tags: { host: 'z' } }]);
    await first.close(true);
    const second = await start({ level: 0, dataFile: first.dataFile });
    const q = await call(`${second.url}/query?name=disk_free&start=${T0}&end=${T0}&agg=sum`);
    expect(q.json, 'Expected the metric posted before the restart to be found by GET /query after it').toMatchObject({
      series: [{ tags: { host: 'z' }, points: [{ t: T0, value: 7 }] }],
    });
  });
});

describe('HTTP errors', () => {
  it('answers 405 with an Allow header for a wrong method', async () => {
    const svc = await start({ level: 0 });
    const res = await call(`${svc.url}/metrics`);
    expect(res.status, `Expected 405 for GET /metrics, got ${res.status}`).toBe(405);
    expect(res.headers.get('allow'), 'Expected "Allow: POST" on the 405').toBe('POST');
    const del = await call(`${svc.url}/query`, { method: 'DELETE' });
    expect(del.status, `Expected 405 for DELETE /query, got ${del.status}`).toBe(405);
  });

  it('answers 404 for an unknown path', async () => {
    const svc = await start({ level: 0 });
    const res = await call(`${svc.url}/metricz`, { method: 'POST', body: '{}' });
    expect(res.status, `Expected 404 for /metricz, got ${res.status}`).toBe(404);
  });

  it('answers 413 for a body over --max-body-bytes, writes nothing, and keeps serving', async () => {
    const svc = await start({ level: 0, args: ['--max-body-bytes', '1024'] });
    const big = Array.from({ length: 40 }, (_, i) => ({ name: 'cpu_usage', value: i, timestamp: T0 + i }));
    const res = await postMetrics(svc.url, big);
    expect(res.status, `Expected 413 for a ${JSON.stringify({ metrics: big }).length}-byte body with a 1024-byte limit, got ${res.status}`).toBe(413);
    expect(readLines(svc.dataFile), 'Expected nothing written for a refused body').toEqual([]);
    const after = await postMetrics(svc.url, big.slice(0, 2));
    expect(after.status, `Expected the next small request to be accepted, got ${after.status}: ${after.text}`).toBe(200);
  });

  it('answers /health with the level and counters', async () => {
    const svc = await start({ level: 0 });
    await postMetrics(svc.url, [{ name: 'up', value: 1 }, { name: 'up', value: 1 }]);
    await postMetrics(svc.url, [{ name: 'up', value: 'x' }]);
    const res = await call(`${svc.url}/health`);
    expect(res.json, 'Expected {status:"ok", level:0, counters:{requests:3 (this one included), accepted:2 metrics, rejected:1, errors:0}}').toMatchObject({
      status: 'ok',
      level: 0,
      counters: { requests: 3, accepted: 2, rejected: 1, errors: 0 },
    });
  });
});
