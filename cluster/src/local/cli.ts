import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../../grader/src/harness/target.ts';
import { clickhouseMissing } from '../engines/clickhouse.ts';
import { natsMissing } from '../engines/nats.ts';
import { zookeeperMissing } from '../engines/zookeeper.ts';
import { buildClusterTree } from '../tree.ts';
import { startLocalCluster, type LocalCluster } from './local-cluster.ts';

/**
 * `npm run cluster`: the cluster mode on this machine (docs/scale-out.md), every engine and node a
 * child process, everything under one folder (default .cluster/, emptied at start). Ctrl-C stops it.
 */
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: path.join(REPO_ROOT, '.cluster') },
    ingest: { type: 'string', default: '2' },
    query: { type: 'string', default: '1' },
    store: { type: 'string', default: '1' },
    alerts: { type: 'string', default: '1' },
    'rules-file': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('npm run cluster -- [--dir .cluster] [--ingest 2] [--query 1] [--store 1] [--alerts 1] [--rules-file rules.json]');
  process.exit(0);
}
const missing = [natsMissing(), clickhouseMissing(), zookeeperMissing()].filter(Boolean);
if (missing.length > 0) {
  console.error(`error: the local cluster needs the engines:\n  ${missing.join('\n  ')}`);
  process.exit(2);
}
const count = (flag: 'ingest' | 'query' | 'store' | 'alerts', min: number): number => {
  const n = Number(values[flag]);
  if (!Number.isInteger(n) || n < min || n > 8) {
    console.error(`error: --${flag} must be an integer from ${min} to 8`);
    process.exit(2);
  }
  return n;
};
const counts = { ingest: count('ingest', 1), query: count('query', 0), store: count('store', 1), alerts: count('alerts', 0) };
const dir = path.resolve(values.dir!);
rmSync(dir, { recursive: true, force: true });

const started = Date.now();
let cluster: LocalCluster | undefined;
let stoppingSince = 0;
const stop = async (why: string): Promise<never> => {
  // One Ctrl-C can arrive twice (from the terminal and relayed by tsx): only a later one means "now".
  if (stoppingSince > 0) {
    if (Date.now() - stoppingSince < 2000) return new Promise<never>(() => undefined);
    console.error('stopping already; again: exiting now (the engines are killed with this process)');
    process.exit(1);
  }
  stoppingSince = Date.now();
  console.log(`\n${why}: stopping the nodes, then ClickHouse, ZooKeeper and NATS...`);
  await cluster?.stop();
  console.log('stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void stop('Ctrl-C'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  console.log('building the finished service with the cluster mode...');
  const tree = buildClusterTree(path.join(dir, 'tree'));
  cluster = await startLocalCluster({ dir, tree, ...counts, ...(values['rules-file'] ? { rulesFile: path.resolve(values['rules-file']) } : {}), log: (l) => console.log(l) });
} catch (err) {
  console.error(`error: the cluster did not start: ${(err as Error).message}`);
  await cluster?.stop();
  process.exit(1);
}
const c = cluster;
const pad = (s: string) => s.padEnd(12);
console.log(`\nMetricStream cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s (folder ${dir}, endpoints in cluster.json):`);
for (const n of c.nats.nodes) console.log(`  ${pad(n.name)} ${n.url}  (monitor http://127.0.0.1:${n.monitorPort}/jsz)`);
console.log(`  ${pad('zookeeper')} ${c.zookeeper.connect}`);
for (const s of c.clickhouse) console.log(`  ${pad(s.name)} ${s.url}`);
for (const n of c.nodes) console.log(`  ${pad(n.spec.nodeId)} ${n.url}${n.spec.role === 'store' ? '/health' : n.spec.role === 'alerts' ? '/alerts' : ''}`);
const ingest = c.byRole('ingest')[0]!;
const query = c.byRole('query')[0] ?? ingest;
console.log(`\nSend metrics to any ingest node, e.g.:
  curl -s -X POST ${ingest.url}/metrics -H 'content-type: application/json' -d '{"metrics":[{"name":"cpu","value":42,"tags":{"host":"a"}}]}'
Query the whole cluster from the query node:
  curl -s '${query.url}/query?name=cpu&agg=avg'
Dashboard: ${query.url}/  ·  Ctrl-C stops everything.`);
