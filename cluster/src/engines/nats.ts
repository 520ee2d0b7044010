import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EngineStartError, findExecutable, freePort, missingBinary, restartable, sleep, startEngine, type RestartableEngine } from './process.ts';

/**
 * nats-server with JetStream, one node or a 3-node cluster, each on free loopback ports with its
 * store in its own folder. Each node gets a config file (server_name, ports, store, routes) so a
 * restart after kill -9 is the same server: same ports, same store, same name in the RAFT groups.
 */

/** Why nats-server cannot run here, or undefined. */
export const natsMissing = (): string | undefined => missingBinary('nats-server', 'nats-server');

export interface NatsNode extends RestartableEngine {
  /** The server_name: what `jsm.streams.info()` reports as the stream's `cluster.leader`. */
  name: string;
  url: string;
  port: number;
  /** HTTP monitoring: /healthz, /jsz. */
  monitorPort: number;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** Every node's URL: what a client is given. */
  servers: string[];
  stop(): Promise<void>;
}

interface NodePorts {
  port: number;
  monitorPort: number;
  /** Cluster route port, for a cluster node. */
  routePort?: number;
}

const START_ATTEMPTS = 3;
const CLUSTER_NAME = 'metricstream';

/** One JetStream node. */
export async function startNats(opts: { dir: string; name?: string }): Promise<NatsNode> {
  const name = opts.name ?? 'nats-1';
  return withPortRetries(async () => {
    const [port, monitorPort] = await distinctFreePorts(2);
    const node = prepareNode(opts.dir, name, { port, monitorPort }, undefined);
    await node.restart();
    return node;
  });
}

/** A JetStream cluster of `nodes` (3) nodes, resolved once JetStream has a meta leader. */
export async function startNatsCluster(opts: { dir: string; nodes?: number }): Promise<NatsCluster> {
  const count = opts.nodes ?? 3;
  return withPortRetries(async () => {
    const ports = await distinctFreePorts(count * 3);
    const layout: NodePorts[] = Array.from({ length: count }, (_, i) => ({ port: ports[i * 3]!, monitorPort: ports[i * 3 + 1]!, routePort: ports[i * 3 + 2]! }));
    const routes = layout.map((p) => `nats-route://127.0.0.1:${p.routePort}`);
    const nodes = layout.map((p, i) => prepareNode(opts.dir, `nats-${i + 1}`, p, routes));
    // All at once: a node's JetStream waits for its peers, so one by one would serialise the waits.
    const started = await Promise.allSettled(nodes.map((n) => n.restart()));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const stopAll = async () => void (await Promise.all(nodes.map((n) => n.stop())));
    if (failed) {
      await stopAll();
      throw failed.reason;
    }
    try {
      await waitFor(() => hasMetaLeader(layout[0]!.monitorPort), 30_000, 'the NATS cluster elected no JetStream meta leader');
    } catch (err) {
      await stopAll();
      throw err;
    }
    return { nodes, servers: nodes.map((n) => n.url), stop: stopAll };
  });
}

/** Write the node's config and return a handle whose restart() (re)starts it. */
function prepareNode(dir: string, name: string, ports: NodePorts, routes: string[] | undefined): NatsNode {
  const home = path.join(dir, name);
  const storeDir = path.join(home, 'store');
  mkdirSync(storeDir, { recursive: true });
  const configFile = path.join(home, 'nats.conf');
  writeFileSync(configFile, natsConfig(name, ports, storeDir, routes));
  const binary = findExecutable('nats-server');
  // /healthz is 200 once JetStream is up and, on a cluster node, current with the meta group and
  // its streams: a restarted node is back as a member, not just listening.
  const ready = () => healthy(ports.monitorPort);
  // Assigned onto the handle, which keeps its pid/process getters (a spread would freeze them).
  const handle = restartable(name, async () => {
    if (!binary) throw new EngineStartError(name, 'could not start', natsMissing() ?? '');
    return startEngine({ name, binary, args: ['-c', configFile], cwd: home, ready, readyWithinMs: 20_000 });
  });
  return Object.assign(handle, { name, url: `nats://127.0.0.1:${ports.port}`, port: ports.port, monitorPort: ports.monitorPort });
}

function natsConfig(name: string, ports: NodePorts, storeDir: string, routes: string[] | undefined): string {
  const lines = [
    `server_name: ${JSON.stringify(name)}`,
    `listen: "127.0.0.1:${ports.port}"`,
    `http: "127.0.0.1:${ports.monitorPort}"`,
    // A batch travels as one message: a 1 MiB request body can become ~4 MB of JSON (default limit 1 MB).
    `max_payload: 8MB`,
    // Limits keep a test machine safe; the stream's own max_bytes is far below them.
    `jetstream { store_dir: ${JSON.stringify(storeDir)}, max_memory_store: 256MB, max_file_store: 4GB }`,
  ];
  if (routes && ports.routePort !== undefined) {
    lines.push(`cluster { name: ${CLUSTER_NAME}, listen: "127.0.0.1:${ports.routePort}", routes: [${routes.map((r) => JSON.stringify(r)).join(', ')}] }`);
  }
  return lines.join('\n') + '\n';
}

/** Try with fresh ports when another process took one between freePort() and the bind. */
async function withPortRetries<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      const portTaken = err instanceof EngineStartError && /address already in use/i.test(err.log);
      if (!portTaken || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

async function getJson(port: number, pathAndQuery: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`, { signal: AbortSignal.timeout(1000) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

const healthy = async (monitorPort: number) => (await getJson(monitorPort, '/healthz')).status === 200;

async function hasMetaLeader(monitorPort: number): Promise<boolean> {
  const { body } = await getJson(monitorPort, '/jsz');
  const meta = (body as { meta_cluster?: { leader?: string } } | undefined)?.meta_cluster;
  return Boolean(meta?.leader);
}

async function waitFor(check: () => Promise<boolean>, withinMs: number, why: string): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${why} within ${withinMs} ms`);
}
