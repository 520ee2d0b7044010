import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type LoadResult } from '../grader/src/harness/load.ts';
import { ClickHouseEndpoints } from '../cluster/src/clickhouse/endpoints.ts';
import { clickhouseMissing } from '../cluster/src/engines/clickhouse.ts';
import { natsMissing } from '../cluster/src/engines/nats.ts';
import { zookeeperMissing } from '../cluster/src/engines/zookeeper.ts';
import { startLocalCluster, type LocalCluster } from '../cluster/src/local/local-cluster.ts';
import { buildClusterTree } from '../cluster/src/tree.ts';
import { connectNats, METRICS_STREAM, STORE_CONSUMER } from '../cluster/src/jetstream/stream.ts';
import { table, machineLine } from './lib/report.ts';
import { benchConfig, metricStream } from './lib/servers.ts';
import { int } from './lib/summary.ts';
import { loadBody } from './lib/workloads.ts';

/**
 * `npm run bench:cluster`: metrics/s through the whole local cluster (2 ingest nodes -> JetStream R3
 * on 3 NATS nodes -> a store node -> 2 ClickHouse replicas) against the single node, in one run,
 * on this machine; and the CPU each process spent per million metrics, which is what the capacity
 * plan in docs/scale-out.md scales from. Everything shares this machine's cores, so the cluster's
 * absolute figure here is a floor, not what the same processes do on machines of their own.
 */
const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, md: { type: 'boolean' } } });
const durationSec = Number(values.duration);
const connections = Number(values.connections);
const missing = [natsMissing(), clickhouseMissing(), zookeeperMissing()].filter(Boolean);
if (missing.length) {
  console.error(`bench:cluster needs the engines:\n  ${missing.join('\n  ')}`);
  process.exit(2);
}
const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
};
const log = (line: string) => console.log(line);

interface Row {
  what: string;
  metricsPerRequest: number;
  acceptedPerSec: number;
  non200: number;
  p50: number;
  p99: number;
  /** Accepted metrics / (load time + the time until every one was queryable). */
  storedPerSec?: number;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-bench-cluster-'));
const tree = buildClusterTree(path.join(dir, 'tree'));
const config = benchConfig(tree);
const rows: Row[] = [];
const cpu: Array<{ process: string; n: number; seconds: number }> = [];
let totalAccepted = 0;

/** Split `connections` over the URLs, run them at once, and add the answers up. */
async function load(urls: string[], n: number): Promise<{ accepted: number; non200: number; p50: number; p99: number; results: LoadResult[] }> {
  const body = loadBody(n);
  const results = await Promise.all(urls.map((url) => runLoad({ url: `${url}/metrics`, method: 'POST', body, connections: Math.ceil(connections / urls.length), durationSec })));
  const accepted = results.reduce((s, r) => s + r.ok, 0) * n;
  return { accepted, non200: results.reduce((s, r) => s + r.requests - r.ok, 0), p50: Math.max(...results.map((r) => r.p50)), p99: Math.max(...results.map((r) => r.p99)), results };
}

try {
  // The single node: the finished service as `npm start` runs it (log + column store on this disk).
  for (const n of [1, 100]) {
    const single = await metricStream('single node', tree, 7).start(path.join(dir, `single-${n}.jsonl`));
    try {
      await runLoad({ url: `${single.url}/metrics`, method: 'POST', body: loadBody(n), connections, durationSec: 2 }); // warm-up
      const cpu0 = cpuSeconds(single.child.pid!);
      const r = await load([single.url], n);
      cpu.push({ process: 'single node', n, seconds: (cpuSeconds(single.child.pid!) - cpu0) / (r.accepted / 1e6) });
      rows.push({ what: 'single node', metricsPerRequest: n, acceptedPerSec: r.accepted / durationSec, non200: r.non200, p50: r.p50, p99: r.p99 });
      log(`single node, ${n} metric(s)/request: ${int(r.accepted / durationSec)} metrics/s`);
    } finally {
      await single.stop();
    }
  }

  log('starting the local cluster (3 NATS, ZooKeeper, 2 ClickHouse, 2 ingest, 1 store)...');
  const cluster: LocalCluster = await startLocalCluster({ dir: path.join(dir, 'cluster'), tree, ingest: 2, store: 1, query: 1, nodeArgs: ['--config', config] });
  const ch = new ClickHouseEndpoints(cluster.clickhouse.map((c) => c.url));
  try {
    const ingestUrls = cluster.byRole('ingest').map((n) => n.url);
    const processes = () => [
      ...cluster.nats.nodes.map((n) => ({ name: 'NATS node', pid: n.pid })),
      ...cluster.clickhouse.map((c) => ({ name: 'ClickHouse replica', pid: c.pid })),
      { name: 'ZooKeeper', pid: cluster.zookeeper.pid },
      ...cluster.nodes.map((n) => ({ name: `${n.spec.role} node`, pid: n.process.pid })),
    ];
    const storedRows = async () => ch.run(async (c) => Number((await (await c.query({ query: 'SELECT count() AS n FROM metrics', format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n));
    await load(ingestUrls, 100).then(() => undefined); // warm-up (a full run: JIT, ClickHouse caches, stream files)
    for (const n of [1, 100]) {
      // Let the warm-up (or the previous run) drain first: each run is timed from an empty stream.
      await drained(cluster);
      const before = await storedRows();
      const cpu0 = new Map(processes().map((p) => [p.pid, cpuSeconds(p.pid)]));
      const started = performance.now();
      const r = await load(ingestUrls, n);
      const after = await waitFor(storedRows, before + r.accepted, 300_000);
      await drained(cluster);
      const storedSec = (performance.now() - started) / 1000;
      totalAccepted += r.accepted;
      rows.push({ what: 'cluster (2 ingest)', metricsPerRequest: n, acceptedPerSec: r.accepted / durationSec, non200: r.non200, p50: r.p50, p99: r.p99, storedPerSec: (after - before) / storedSec });
      log(`cluster, ${n} metric(s)/request: ${int(r.accepted / durationSec)} metrics/s accepted, all queryable after ${storedSec.toFixed(1)} s`);
      const byKind = new Map<string, number>();
      for (const p of processes()) byKind.set(p.name, (byKind.get(p.name) ?? 0) + (cpuSeconds(p.pid) - cpu0.get(p.pid)!));
      for (const [name, s] of byKind) cpu.push({ process: `${name}s (all)`, n, seconds: s / (r.accepted / 1e6) });
    }
  } finally {
    await ch.close();
    await cluster.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function waitFor(read: () => Promise<number>, want: number, withinMs: number): Promise<number> {
  const deadline = Date.now() + withinMs;
  let seen = -1;
  while (Date.now() < deadline) {
    seen = await read().catch(() => -1);
    if (seen >= want) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ClickHouse holds ${seen} rows, not ${want}, ${withinMs} ms after the load`);
}

/** Until the stream holds nothing the store consumer has not acked (every batch is in ClickHouse). */
async function drained(c: LocalCluster): Promise<void> {
  const nc = await connectNats(c.nats.servers, 'bench');
  try {
    const jsm = await nc.jetstreamManager();
    for (;;) {
      const info = await jsm.consumers.info(METRICS_STREAM, STORE_CONSUMER);
      if (info.num_pending === 0 && info.num_ack_pending === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await nc.close();
  }
}

const md = Boolean(values.md);
console.log(`\n${machineLine()}; ${durationSec} s per run, ${connections} connections (split over the ingest nodes), autocannon in this process\n`);
console.log(
  table(
    ['deployment', 'metrics/request', 'accepted metrics/s', 'non-200', 'p50 ms', 'p99 ms', 'stored metrics/s'],
    rows.map((r) => [r.what, String(r.metricsPerRequest), int(r.acceptedPerSec), int(r.non200), r.p50.toFixed(2), r.p99.toFixed(2), r.storedPerSec === undefined ? '(log on disk)' : int(r.storedPerSec)]),
    md,
  ),
);
const ratio = (n: number) => {
  const s = rows.find((r) => r.what === 'single node' && r.metricsPerRequest === n)!;
  const c = rows.find((r) => r.what !== 'single node' && r.metricsPerRequest === n)!;
  return (c.acceptedPerSec / s.acceptedPerSec).toFixed(2);
};
console.log(`\ncluster / single node, accepted metrics/s: ${ratio(1)}x at 1 metric/request, ${ratio(100)}x at 100 metrics/request`);
console.log(`\nCPU seconds per million metrics, from load start until every metric was stored (cores needed per 1M metrics/s = this figure):\n`);
const kinds = [...new Set(cpu.map((c) => c.process))];
const at = (process: string, n: number) => cpu.find((c) => c.process === process && c.n === n)?.seconds.toFixed(2) ?? '–';
console.log(table(['process', '1 metric/request', '100 metrics/request'], kinds.map((k) => [k, at(k, 1), at(k, 100)]), md));
console.log(`\n${int(totalAccepted)} metrics accepted by the cluster in the timed runs, every one counted in ClickHouse.`);
