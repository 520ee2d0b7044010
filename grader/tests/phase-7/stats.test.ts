import { afterAll, describe, expect, it } from 'vitest';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { startService, type RunningService } from '../../src/harness/service.ts';

interface RouteStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
interface Stats {
  routes: Record<string, RouteStats>;
  connections: { active: number; total: number };
  queues: Record<string, number>;
  memory: { rss: number; heapUsed: number };
  latencyRelativeError: number;
}

const POSTS = 30;
const INGEST_ROUTE = '/metrics';
/** One sample line of the text exposition format: name, optional labels, a number. */
const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? -?[0-9.eE+-]+|NaN$/;

let svc: RunningService | undefined;
let loaded: Promise<RunningService> | undefined;
/** Start the service and send the POSTs once; inside the tests, so a failure reads as that test's failure. */
function service(): Promise<RunningService> {
  return (loaded ??= (async () => {
    svc = await startService({ level: 7 });
    for (let i = 0; i < POSTS; i++) {
      const res = await fetch(`${svc.url}/metrics`, { method: 'POST', body: metricsPayload(10, i), headers: { 'content-type': 'application/json' } });
      if (res.status !== 200) throw new Error(`POST /metrics answered ${res.status}: ${await res.text()}`);
    }
    return svc;
  })());
}
afterAll(async () => {
  await svc?.stop();
});

async function getStats(): Promise<Stats> {
  const res = await fetch(`${(await service()).url}/stats`);
  const text = await res.text();
  expect(res.status, `GET /stats should answer 200, got ${res.status}: ${text.slice(0, 300)}`).toBe(200);
  return JSON.parse(text) as Stats;
}

describe('monitoring endpoints', () => {
  it('GET /stats reports per-route percentiles, connections, queues and memory', async () => {
    const stats = await getStats();
    const ingest = stats.routes?.[INGEST_ROUTE];
    expect(ingest, `expected routes["${INGEST_ROUTE}"] in /stats, got routes ${JSON.stringify(Object.keys(stats.routes ?? {}))}`).toBeDefined();
    expect(ingest!.count, `routes["${INGEST_ROUTE}"].count should be the ${POSTS} POSTs sent`).toBe(POSTS);
    expect(
      0 < ingest!.p50 && ingest!.p50 <= ingest!.p95 && ingest!.p95 <= ingest!.p99 && ingest!.p99 <= ingest!.max,
      `percentiles must be positive and ordered p50 <= p95 <= p99 <= max, got ${JSON.stringify(ingest)}`,
    ).toBe(true);
    expect(stats.connections.active, 'the connection asking for /stats is open: active connections >= 1').toBeGreaterThanOrEqual(1);
    expect(stats.connections.total).toBeGreaterThanOrEqual(stats.connections.active);
    expect(typeof stats.queues, 'queues should be an object of queue depths').toBe('object');
    for (const [q, depth] of Object.entries(stats.queues)) expect(depth, `queue ${q} depth`).toBeGreaterThanOrEqual(0);
    expect(stats.memory.rss, 'memory.rss in bytes').toBeGreaterThan(1_000_000);
    expect(stats.latencyRelativeError, 'the stated relative error of the percentiles').toBeGreaterThan(0);
  });

  it('GET /metrics/prometheus exposes the same figures in the text exposition format', async () => {
    const res = await fetch(`${(await service()).url}/metrics/prometheus`);
    const text = await res.text();
    expect(res.status, `GET /metrics/prometheus should answer 200, got ${res.status}: ${text.slice(0, 300)}`).toBe(200);
    expect(res.headers.get('content-type') ?? '', 'content type of the text exposition format').toMatch(/^text\/plain; ?version=0\.0\.4/);
    const bad = text.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !SAMPLE_LINE.test(l));
    expect(bad, 'every sample line must be `name{label="value",...} number`').toEqual([]);
    const count = new RegExp(`^metricstream_request_duration_seconds_count\\{route="${INGEST_ROUTE}"\\} (\\d+)$`, 'm').exec(text);
    expect(count, `expected metricstream_request_duration_seconds_count{route="${INGEST_ROUTE}"} in:\n${text.slice(0, 800)}`).not.toBeNull();
    expect(Number(count![1]), 'the Prometheus count should match the POSTs sent').toBe(POSTS);
    expect(text).toMatch(new RegExp(`^metricstream_request_duration_seconds\\{route="${INGEST_ROUTE}",quantile="0.99"\\} [0-9.e-]+$`, 'm'));
    expect(text).toMatch(/^metricstream_active_connections \d+$/m);
    expect(text).toMatch(/^metricstream_memory_bytes\{kind="rss"\} \d+$/m);
  });
});
