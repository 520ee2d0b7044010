import path from 'node:path';
import type { Role } from '../cluster-config.ts';
import { startEngine, type EngineProcess } from '../engines/process.ts';

/** How a node announces that it serves: main.ts prints this line last. */
export const READY_LINE = /^node (\S+) \((\w+)\) ready: (http:\/\/\S+)$/;

export interface NodeSpec {
  /** The tree built by buildClusterTree (cluster/src/tree.ts). */
  tree: string;
  role: Role;
  nodeId: string;
  nats: string[];
  /** The replicas' HTTP URLs. */
  clickhouse: string[];
  table?: string;
  streamReplicas?: number;
  /** Folder for the node's data file (ingest nodes write none, but the service wants a path). */
  dir: string;
  /** More flags: the service's (--rules-file, --port) or the cluster's (--lease-ttl-ms). */
  args?: string[];
  /** Fixed port (restarting a node on its port); default any free one. */
  port?: number;
}

export interface RunningNode {
  spec: NodeSpec;
  /** HTTP: the API of ingest, query and alerts nodes, /health of store nodes. */
  url: string;
  process: EngineProcess;
}

/** Start one node of the cluster as a child process of its own, and wait for its ready line. */
export async function startNode(spec: NodeSpec): Promise<RunningNode> {
  let url = '';
  const port = String(spec.port ?? 0);
  const args = [
    '--import',
    'tsx',
    path.join(spec.tree, 'cluster/src/main.ts'),
    '--role',
    spec.role,
    '--node-id',
    spec.nodeId,
    '--nats',
    spec.nats.join(','),
    '--clickhouse',
    spec.clickhouse.join(','),
    ...(spec.table ? ['--table', spec.table] : []),
    ...(spec.streamReplicas ? ['--stream-replicas', String(spec.streamReplicas)] : []),
    ...(spec.role === 'store' ? ['--health-port', port] : ['--port', port]),
    '--host',
    '127.0.0.1',
    '--data-file',
    path.join(spec.dir, `${spec.nodeId}.jsonl`),
    ...(spec.args ?? []),
  ];
  const proc = await startEngine({
    name: spec.nodeId,
    binary: process.execPath,
    args,
    cwd: spec.tree,
    ready: async () => url !== '',
    onLine: (line) => {
      const m = READY_LINE.exec(line);
      if (m && m[1] === spec.nodeId) url = m[3]!;
    },
    readyWithinMs: 60_000,
  });
  return { spec, url, process: proc };
}
