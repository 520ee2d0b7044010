import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import type { Role } from '../cluster-config.ts';
import { createSchema } from '../clickhouse/schema.ts';
import { startClickHouse, type RunningClickHouse } from '../engines/clickhouse.ts';
import { startNatsCluster, type NatsCluster } from '../engines/nats.ts';
import { freePort } from '../engines/process.ts';
import { startZooKeeper, type RunningZooKeeper } from '../engines/zookeeper.ts';
import { startNode, type NodeSpec, type RunningNode } from './node-process.ts';

/** remote_servers' name for the one shard of two replicas the Distributed table reads. */
export const CLICKHOUSE_CLUSTER = 'metricstream';

export interface LocalClusterOptions {
  /** Everything goes here: one folder per engine and node. */
  dir: string;
  /** The tree the nodes run (buildClusterTree). */
  tree: string;
  /** Node counts by role (default: 2 ingest, 1 store, 1 query, no alerts). */
  ingest?: number;
  store?: number;
  query?: number;
  alerts?: number;
  /** Rules for the alerts nodes (the service's --rules-file format). */
  rulesFile?: string;
  /** More flags for every node (e.g. --lease-ttl-ms 3000). */
  nodeArgs?: string[];
  log?: (line: string) => void;
}

export interface LocalCluster {
  dir: string;
  nats: NatsCluster;
  zookeeper: RunningZooKeeper;
  /** Two replicas of one shard: ReplicatedReplacingMergeTree `metrics_local`, Distributed `metrics`. */
  clickhouse: RunningClickHouse[];
  nodes: RunningNode[];
  byRole(role: Role): RunningNode[];
  /** Start a stopped or killed node again, on its port, as a new process (a new batch id prefix). */
  restartNode(node: RunningNode): Promise<RunningNode>;
  /** Nodes first (they drain into the engines), then ClickHouse, ZooKeeper, NATS. */
  stop(): Promise<void>;
}

/**
 * The whole cluster on one machine, every part a child process of this one on free loopback ports:
 * 3 NATS nodes (JetStream, the stream at 3 replicas), ZooKeeper, 2 ClickHouse replicas, and the
 * service's nodes by role. Resolves once every node printed its ready line; a part that fails to
 * start stops the ones already running and throws with its log.
 */
export async function startLocalCluster(opts: LocalClusterOptions): Promise<LocalCluster> {
  const log = opts.log ?? (() => undefined);
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    mkdirSync(opts.dir, { recursive: true });
    log('starting 3 NATS nodes (JetStream)...');
    const nats = await startNatsCluster({ dir: path.join(opts.dir, 'nats') });
    stops.push(() => nats.stop());
    log('starting ZooKeeper and 2 ClickHouse replicas...');
    const zookeeper = await startZooKeeper({ dir: path.join(opts.dir, 'zookeeper') });
    stops.push(() => zookeeper.stop());
    const clickhouse = await startReplicas(opts.dir, zookeeper.port);
    stops.push(() => Promise.all(clickhouse.map((c) => c.stop())));

    const nodes: RunningNode[] = [];
    stops.push(() => Promise.all(nodes.map((n) => n.process.stop(20_000))));
    const spec = (role: Role, nodeId: string): NodeSpec => ({
      tree: opts.tree,
      role,
      nodeId,
      nats: nats.servers,
      clickhouse: clickhouse.map((c) => c.url),
      streamReplicas: 3,
      dir: path.join(opts.dir, 'nodes', nodeId),
      args: [...(opts.nodeArgs ?? []), ...(role === 'alerts' && opts.rulesFile ? ['--rules-file', opts.rulesFile] : [])],
    });
    const counts: [Role, number][] = [
      ['store', opts.store ?? 1],
      ['ingest', opts.ingest ?? 2],
      ['query', opts.query ?? 1],
      ['alerts', opts.alerts ?? 0],
    ];
    // Store nodes first: they create the consumer the stream's messages wait in.
    for (const [role, n] of counts) {
      if (n === 0) continue;
      log(`starting ${n} ${role} node${n > 1 ? 's' : ''}...`);
      const started = await Promise.all(Array.from({ length: n }, (_, i) => startNode(spec(role, `${role}-${i + 1}`))));
      nodes.push(...started);
    }
    const cluster: LocalCluster = {
      dir: opts.dir,
      nats,
      zookeeper,
      clickhouse,
      nodes,
      byRole: (role) => nodes.filter((n) => n.spec.role === role),
      restartNode: async (node) => {
        await node.process.stop();
        const again = await startNode({ ...node.spec, port: Number(new URL(node.url).port) });
        nodes[nodes.indexOf(node)] = again;
        return again;
      },
      stop: stopAll,
    };
    writeFileSync(path.join(opts.dir, 'cluster.json'), JSON.stringify(describe(cluster), null, 2) + '\n');
    return cluster;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Two replicas of one shard through ZooKeeper, each knowing the other (remote_servers), with the tables made. */
async function startReplicas(dir: string, zookeeperPort: number): Promise<RunningClickHouse[]> {
  // Ports known before either starts: each server's remote_servers names both.
  const picked = new Set<number>();
  while (picked.size < 6) picked.add(await freePort());
  const p = [...picked];
  const ports = [0, 1].map((i) => ({ http: p[i * 3]!, tcp: p[i * 3 + 1]!, interserver: p[i * 3 + 2]! }));
  const remoteServers = { [CLICKHOUSE_CLUSTER]: [{ replicas: ports.map((x) => ({ host: '127.0.0.1', port: x.tcp })) }] };
  const servers = await Promise.all(
    ['a', 'b'].map((replica, i) =>
      startClickHouse({ dir: path.join(dir, `clickhouse-${replica}`), name: `clickhouse-${replica}`, zookeeper: { port: zookeeperPort }, macros: { shard: '01', replica }, remoteServers, ports: ports[i]! }),
    ),
  );
  for (const server of servers) {
    const client = createClient({ url: server.url });
    try {
      await createSchema(client, { replicated: true, cluster: CLICKHOUSE_CLUSTER });
    } finally {
      await client.close();
    }
  }
  return servers;
}

/** What cluster.json records: every endpoint and PID, for an operator (or a script) to find them. */
export function describe(c: LocalCluster): Record<string, unknown> {
  return {
    nats: c.nats.nodes.map((n) => ({ name: n.name, url: n.url, monitor: `http://127.0.0.1:${n.monitorPort}`, pid: n.pid })),
    zookeeper: { connect: c.zookeeper.connect, pid: c.zookeeper.pid },
    clickhouse: c.clickhouse.map((s) => ({ name: s.name, url: s.url, pid: s.pid })),
    nodes: c.nodes.map((n) => ({ id: n.spec.nodeId, role: n.spec.role, url: n.url, pid: n.process.pid })),
  };
}
