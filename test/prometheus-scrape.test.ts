import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, startPrometheus, type RunningPrometheus } from './support/prometheus.ts';
import { post, startService, type RunningService } from './support/service.ts';

// A real Prometheus (Debian's `prometheus` package) scrapes the finished service every second, and
// its query API must see MetricStream's own series move with what this test posts.
const PROMETHEUS = findExecutable('prometheus');
if (!PROMETHEUS) console.warn('prometheus scrape test SKIPPED: the prometheus binary is missing (install Debian\'s prometheus with scripts/install-test-deps.sh)');

const JOB = 'metricstream';
/** One budget for every wait below, so a Prometheus that never scrapes fails once, not per test. */
const BUDGET_MS = 30_000;

describe.skipIf(!PROMETHEUS)('a real Prometheus scrapes GET /metrics/prometheus', () => {
  let svc: RunningService;
  let prom: RunningPrometheus;
  let deadline = 0;

  beforeAll(async () => {
    svc = await startService();
    const target = new URL(svc.url).host;
    prom = await startPrometheus(PROMETHEUS!, { job: JOB, target, metricsPath: '/metrics/prometheus', intervalSec: 1 });
    deadline = Date.now() + BUDGET_MS;
  });
  afterAll(async () => {
    await prom?.stop();
    await svc?.close();
  });

  /** Everything that explains a scrape that does not happen: the target's lastError and Prometheus' log. */
  async function diagnosis(): Promise<string> {
    let targets: string;
    try {
      targets = (await prom.targets())
        .map((t) => `${t.scrapeUrl}: health=${t.health} lastError=${JSON.stringify(t.lastError)}`)
        .join('\n');
    } catch (err) {
      targets = `(GET /api/v1/targets failed: ${String(err)})`;
    }
    return `Prometheus ${prom.url} (pid ${prom.pid}) targets:\n${targets || '(none)'}\nits stderr ends with:\n${prom.stderrTail()}`;
  }

  /** Poll an instant query until `ok` holds for its vector, or fail with what was last seen and why. */
  async function until(expr: string, what: string, ok: (values: number[]) => boolean): Promise<number[]> {
    let seen: number[] | string;
    // Query at least once, even when an earlier wait used up the budget.
    for (;;) {
      try {
        const values = (await prom.query(expr)).map((s) => s.value);
        if (ok(values)) return values;
        seen = values;
      } catch (err) {
        seen = String(err);
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`gave up (${BUDGET_MS} ms for all waits) on ${what}: \`${expr}\` last gave ${JSON.stringify(seen)}\n${await diagnosis()}`);
  }

  const batch = (i: number) =>
    ['web-1', 'web-2', 'db-1', 'cache-1'].map((host) => ({ name: 'cpu_usage', value: 10 + i, tags: { host } }));
  const perBatch = batch(0).length;

  it('finds the target up, with no scrape error', async () => {
    await until(`up{job="${JOB}"}`, 'the target to be up', (v) => v.length === 1 && v[0] === 1);
    const [target] = (await prom.targets()).filter((t) => t.labels.job === JOB);
    expect(target, await diagnosis()).toBeDefined();
    expect({ health: target!.health, lastError: target!.lastError }, await diagnosis()).toEqual({ health: 'up', lastError: '' });
  });

  it('sees the ingest counters follow the posted requests, scrape after scrape', async () => {
    const sel = `job="${JOB}"`;
    const accepted = `metricstream_accepted_total{${sel}}`;
    const ingestRequests = `metricstream_request_duration_seconds_count{${sel},route="/metrics"}`;

    for (let i = 0; i < 3; i++) await post(svc.url, batch(i));
    await until(accepted, `${3 * perBatch} accepted metrics`, (v) => v[0] === 3 * perBatch);
    await until(ingestRequests, '3 POST /metrics requests', (v) => v[0] === 3);

    // Later scrapes must carry the new value: the first one being right is not enough.
    for (let i = 3; i < 5; i++) await post(svc.url, batch(i));
    await until(accepted, `${5 * perBatch} accepted metrics`, (v) => v[0] === 5 * perBatch);
    await until(ingestRequests, '5 POST /metrics requests', (v) => v[0] === 5);

    // Prometheus kept both waves: over the last minute the counter grew by at least the second one.
    const grown = `max_over_time(${accepted}[1m]) - min_over_time(${accepted}[1m])`;
    await until(grown, `a growth of at least ${2 * perBatch}`, (v) => v.length === 1 && v[0]! >= 2 * perBatch);

    // The summary's quantiles arrive as their own series, in seconds.
    const p99 = `metricstream_request_duration_seconds{${sel},route="/metrics",quantile="0.99"}`;
    await until(p99, 'a positive ingest p99', (v) => v.length === 1 && v[0]! > 0);
  });

  it('ingests every series of the exposition, with its declared type', async () => {
    const text = await (await fetch(`${svc.url}/metrics/prometheus`)).text();
    const exposed = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]));
    const known = new Set(await prom.api<string[]>('/api/v1/label/__name__/values'));
    expect([...exposed].filter((n) => !known.has(n)), await diagnosis()).toEqual([]);

    const metadata = await prom.api<Record<string, Array<{ type: string }>>>('/api/v1/metadata?metric=metricstream_accepted_total');
    expect(metadata.metricstream_accepted_total?.[0]?.type).toBe('counter');
    const summary = await prom.api<Record<string, Array<{ type: string }>>>('/api/v1/metadata?metric=metricstream_request_duration_seconds');
    expect(summary.metricstream_request_duration_seconds?.[0]?.type).toBe('summary');
  });
});
