import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseMissing, startClickHouse, type RunningClickHouse } from '../src/engines/clickhouse.ts';
import { natsMissing, startNats, type NatsNode } from '../src/engines/nats.ts';
import { sleep } from '../src/engines/process.ts';
import { startNode, type NodeSpec, type RunningNode } from '../src/local/node-process.ts';
import { buildClusterTree } from '../src/tree.ts';

/**
 * The node processes on one NATS and one ClickHouse server: what a client sees on bad input and
 * when an engine is down (clear errors, in bounded time, nothing acknowledged lost), and the alert
 * lease (one evaluator, another taking over when it dies).
 */
const missing = natsMissing() ?? clickhouseMissing();
const LEASE_TTL_MS = 2000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  ms: number;
}

async function call(url: string, init?: RequestInit): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers, ms: performance.now() - started };
}
const postMetrics = (url: string, body: unknown) => call(`${url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const cpu = (value: number, host = 'a') => ({ metrics: [{ name: 'cpu', value, tags: { host } }] });

describe.skipIf(Boolean(missing))(`cluster nodes on single engines${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let dir: string;
  let nats: NatsNode;
  let clickhouse: RunningClickHouse;
  let ingest: RunningNode;
  let query: RunningNode;
  let store: RunningNode;
  const alerts: RunningNode[] = [];
  let webhook: http.Server;
  const notifications: { id: string; rule: string; status: string; firedAt?: number }[] = [];
  const nodes: RunningNode[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ms-cluster-nodes-'));
    const tree = buildClusterTree(path.join(dir, 'tree'));
    [nats, clickhouse] = await Promise.all([startNats({ dir: path.join(dir, 'nats') }), startClickHouse({ dir: path.join(dir, 'clickhouse') })]);
    const rulesFile = path.join(dir, 'rules.json');
    webhook = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      req.on('end', () => {
        notifications.push(JSON.parse(body) as { id: string; rule: string; status: string; firedAt?: number });
        res.end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`;
    writeFileSync(
      rulesFile,
      JSON.stringify({
        rules: [{ name: 'cpu_hot', query: 'name=cpu&agg=max', window: '1m', comparator: '>', threshold: 90, forMs: 0, severity: 'critical' }],
        webhook: { url: webhookUrl, maxAttempts: 1, retryBaseMs: 100, timeoutMs: 2000 },
      }),
    );
    const spec = (role: NodeSpec['role'], nodeId: string, args: string[] = []): NodeSpec => ({ tree, role, nodeId, nats: [nats.url], clickhouse: [clickhouse.url], dir: path.join(dir, nodeId), args });
    store = await startNode(spec('store', 'store-1', ['--retention', '2d']));
    nodes.push(store);
    [ingest, query] = await Promise.all([startNode(spec('ingest', 'ingest-1')), startNode(spec('query', 'query-1'))]);
    nodes.push(ingest, query);
    const alertArgs = ['--rules-file', rulesFile, '--alert-interval-ms', '200', '--lease-ttl-ms', String(LEASE_TTL_MS)];
    for (const id of ['alerts-1', 'alerts-2']) {
      const node = await startNode(spec('alerts', id, alertArgs));
      alerts.push(node);
      nodes.push(node);
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.process.stop()));
    await Promise.all([nats?.stop(), clickhouse?.stop()]);
    webhook?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('bad input: a 400 with the reason (and where), a query node refuses writes with 421', async () => {
    const malformed = await postMetrics(ingest.url, '{"metrics":[{"name":"cpu","value":1,}]}');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toMatch(/position|column|line/i);
    const badRegex = await call(`${query.url}/query?name=cpu&match=${encodeURIComponent('host=~(a')}`);
    expect(badRegex.status).toBe(400);
    expect(badRegex.body).toMatchObject({ error: 'bad_parameter', param: 'match' });
    const badAgg = await call(`${query.url}/query?name=cpu&agg=nope`);
    expect(badAgg.status).toBe(400);
    const onQueryNode = await postMetrics(query.url, cpu(1));
    expect(onQueryNode.status).toBe(421);
    expect(onQueryNode.body).toMatchObject({ error: 'not_an_ingest_node' });
    // The cluster's writer does not fsync (nats-server 2.9 acks before it syncs): it does not claim to.
    const durable = await call(`${ingest.url}/metrics?ack=durable`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cpu(1)) });
    expect(durable.status).toBe(400);
  });

  it('one alert evaluator: the holder evaluates and notifies, the standby takes over when it dies and does not notify again', async () => {
    type View = { rule: string; status: string; firedAt?: number };
    const cpuHot = async (node: RunningNode) => ((await call(`${node.url}/alerts`)).body.alerts as View[]).find((a) => a.rule === 'cpu_hot');
    expect((await postMetrics(ingest.url, cpu(99))).status).toBe(200);
    let holder: RunningNode | undefined;
    let firedAt: number | undefined;
    const deadline = Date.now() + 30_000;
    while (!holder && Date.now() < deadline) {
      for (const node of alerts) {
        const view = await cpuHot(node);
        if (view?.status === 'firing') [holder, firedAt] = [node, view.firedAt];
      }
      await sleep(200);
    }
    expect(holder, 'an alerts node evaluated the rule on the cluster data and fired').toBeDefined();
    const standby = alerts.find((n) => n !== holder)!;
    expect((await cpuHot(standby))?.status, 'the standby never evaluated').toBe('inactive');
    const killedAt = Date.now();
    await holder!.process.kill();
    let after: View | undefined;
    while ((after = await cpuHot(standby))?.status !== 'firing') {
      expect(Date.now() - killedAt, 'the standby took over within a few lease TTLs').toBeLessThan(LEASE_TTL_MS * 5);
      await sleep(100);
    }
    const tookOverMs = Date.now() - killedAt;
    await sleep(1000); // five more evaluations by the new holder
    const firing = notifications.filter((n) => n.rule === 'cpu_hot' && n.status === 'firing');
    console.log(`alert lease: standby ${standby.spec.nodeId} took over ${tookOverMs} ms after the holder's kill -9 (lease ttl ${LEASE_TTL_MS} ms); firing notifications: ${firing.length}`);
    expect(after!.firedAt, 'the same episode continues on the new holder').toBe(firedAt);
    expect(firing.map((n) => n.id), 'one firing notification for the episode, not one per evaluator').toHaveLength(1);
  }, 60_000);

  it("GET /series on a query node lists the cluster's series (the dashboard's picker), from ClickHouse", async () => {
    expect((await postMetrics(ingest.url, cpu(5, 'picker'))).status).toBe(200);
    let hosts: string[] = [];
    for (let i = 0; i < 100 && !hosts.includes('picker'); i++) {
      const { metrics } = (await call(`${query.url}/series`)).body as { metrics: { name: string; series: { host?: string }[] }[] };
      hosts = metrics.find((m) => m.name === 'cpu')?.series.map((s) => s.host ?? '') ?? [];
      if (!hosts.includes('picker')) await sleep(100);
    }
    expect(hosts).toContain('picker');
  });

  it('ClickHouse down: queries get a 503 at once, writes still get 200s (JetStream holds them), stored after it returns', async () => {
    const before = await postMetrics(ingest.url, cpu(1, 'ch-down'));
    expect(before.status).toBe(200);
    await clickhouse.kill();
    const q = await call(`${query.url}/query?name=cpu&match=host=ch-down&agg=count`);
    expect(q.status).toBe(503);
    expect(q.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(q.ms).toBeLessThan(11_000);
    for (let i = 0; i < 5; i++) expect((await postMetrics(ingest.url, cpu(1, 'ch-down'))).status).toBe(200);
    await clickhouse.restart();
    const deadline = Date.now() + 60_000;
    let count = 0;
    while (Date.now() < deadline) {
      const a = await call(`${query.url}/query?name=cpu&match=host=ch-down&agg=count`);
      count = a.status === 200 ? ((a.body.series as { points: { value: number }[] }[])[0]?.points[0]?.value ?? 0) : 0;
      if (count === 6) break;
      await sleep(500);
    }
    expect(count, 'every metric accepted while ClickHouse was down is stored once it is back').toBe(6);
  }, 120_000);

  it('retention: a store node drops the day partitions older than --retention (at its start, then hourly)', async () => {
    const DAY = 86_400_000;
    const old = Date.now() - 5 * DAY;
    const body = { metrics: [{ name: 'retained', value: 1, timestamp: old, tags: { age: 'old' } }, { name: 'retained', value: 2, tags: { age: 'new' } }] };
    expect((await postMetrics(ingest.url, body)).status).toBe(200);
    const ages = async () => ((await call(`${query.url}/query?name=retained&agg=count&start=${old - DAY}`)).body.series as { tags: { age: string } }[]).map((s) => s.tags.age).sort();
    let seen: string[] = [];
    for (let i = 0; i < 100 && seen.length < 2; i++) {
      seen = await ages();
      await sleep(100);
    }
    expect(seen, 'both points stored').toEqual(['new', 'old']);
    // A store node runs retention when it starts: restart it.
    await store.process.stop();
    const again = await startNode(store.spec);
    nodes[nodes.indexOf(store)] = again;
    store = again;
    for (let i = 0; i < 100 && seen.length > 1; i++) {
      seen = await ages();
      await sleep(100);
    }
    expect(seen, 'the 5-day-old point went with its partition, today\'s stayed').toEqual(['new']);
  }, 60_000);

  it('NATS down: writes get a 503 with Retry-After within the retry budget, never a hang; 200s again after it returns', async () => {
    await nats.kill();
    const down = await postMetrics(ingest.url, cpu(1, 'nats-down'));
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(down.ms).toBeLessThan(7_000);
    console.log(`NATS down: POST answered ${down.status} ${JSON.stringify(down.body)} in ${Math.round(down.ms)} ms`);
    await nats.restart();
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await postMetrics(ingest.url, cpu(1, 'nats-back'))).status;
      if (status !== 200) await sleep(250);
    }
    expect(status, 'writes are accepted again once NATS is back').toBe(200);
  }, 120_000);
});
