import { parseArgs } from 'node:util';

/** What one process of the cluster does; `all` runs every role in one process (a demo, a test). */
export const ROLES = ['ingest', 'store', 'query', 'alerts', 'all'] as const;
export type Role = (typeof ROLES)[number];

export interface ClusterConfig {
  role: Role;
  /** NATS servers (any of the cluster's nodes; the client finds the rest). */
  nats: string[];
  /** ClickHouse HTTP endpoints: the replicas of the table, used one at a time, the next on failure. */
  clickhouse: string[];
  /** The table queries read: `metrics`, or a Distributed table over shards. */
  table: string;
  /** This node's name: part of every batch id it publishes, the holder named in the alert lease. */
  nodeId: string;
  /** JetStream subjects `metrics.0..N-1`, chosen by client id. */
  partitions: number;
  /** JetStream stream (and lease bucket) replicas: 1, or 3 on a NATS cluster of 3 or more. */
  streamReplicas: 1 | 3;
  /** Ingest: publishes awaiting JetStream's ack at once (default 2: the best of 1, 2 and 8 in `npm run bench:cluster`); beyond, requests share messages (group commit). */
  publishInFlight: number;
  /** The alert lease expires this long after its holder's last renewal. */
  leaseTtlMs: number;
  /** Port of the small /health server of the store and alerts roles (0 = any). */
  healthPort: number;
  /** The flags left for the service itself (--port, --rules-file, ...). */
  serviceArgs: string[];
}

export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
}

const OPTIONS = {
  role: { type: 'string' },
  nats: { type: 'string' },
  clickhouse: { type: 'string' },
  table: { type: 'string' },
  'node-id': { type: 'string' },
  partitions: { type: 'string' },
  'stream-replicas': { type: 'string' },
  'lease-ttl-ms': { type: 'string' },
  'publish-in-flight': { type: 'string' },
  'health-port': { type: 'string' },
} as const;

/** True when the command line asks for the cluster mode (`--role`, or METRICSTREAM_ROLE). */
export const wantsCluster = (argv: readonly string[], env: NodeJS.ProcessEnv): boolean =>
  argv.some((a) => a === '--role' || a.startsWith('--role=')) || Boolean(env.METRICSTREAM_ROLE);

/**
 * Split the cluster's flags (or METRICSTREAM_* variables) from the service's; every bad value is
 * an error naming the flag. The service's own flags are checked by the service's loadConfig.
 */
export function loadClusterConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ClusterConfig {
  const { values, tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const ours = new Set(Object.keys(OPTIONS));
  const serviceArgs: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option' && ours.has(t.name)) continue;
    if (t.kind === 'option') serviceArgs.push(t.rawName, ...(t.value === undefined ? [] : [t.value]));
    else if (t.kind === 'positional') serviceArgs.push(t.value);
  }
  const get = (flag: keyof typeof OPTIONS, envName: string): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    if (v !== undefined) throw new ClusterConfigError(`--${flag} needs a value`);
    return env[envName] || undefined;
  };
  const role = get('role', 'METRICSTREAM_ROLE') ?? 'all';
  if (!(ROLES as readonly string[]).includes(role)) throw new ClusterConfigError(`--role must be one of ${ROLES.join(', ')} (got "${role}")`);
  const nats = (get('nats', 'METRICSTREAM_NATS') ?? 'nats://127.0.0.1:4222').split(',').map((s) => s.trim()).filter(Boolean);
  for (const url of nats) if (!/^nats:\/\/[^\s/]+:\d+$/.test(url)) throw new ClusterConfigError(`--nats: "${url}" is not nats://host:port (a comma-separated list of servers)`);
  const clickhouse = (get('clickhouse', 'METRICSTREAM_CLICKHOUSE') ?? 'http://127.0.0.1:8123').split(',').map((s) => s.trim()).filter(Boolean);
  for (const url of clickhouse) if (!/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(url)) throw new ClusterConfigError(`--clickhouse: "${url}" is not http://host:port (a comma-separated list of replicas)`);
  const table = get('table', 'METRICSTREAM_TABLE') ?? 'metrics';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new ClusterConfigError(`--table: "${table}" is not a table name (letters, digits, _)`);
  const nodeId = get('node-id', 'METRICSTREAM_NODE_ID') ?? `node-${process.pid}`;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(nodeId)) throw new ClusterConfigError(`--node-id: "${nodeId}" must be 1-64 letters, digits, - or _`);
  return {
    role: role as Role,
    nats,
    clickhouse: clickhouse.map((url) => url.replace(/\/$/, '')),
    table,
    nodeId,
    partitions: int(get('partitions', 'METRICSTREAM_PARTITIONS'), 'partitions', 1, 1024, 8),
    streamReplicas: replicas(get('stream-replicas', 'METRICSTREAM_STREAM_REPLICAS')),
    publishInFlight: int(get('publish-in-flight', 'METRICSTREAM_PUBLISH_IN_FLIGHT'), 'publish-in-flight', 1, 4096, 2),
    leaseTtlMs: int(get('lease-ttl-ms', 'METRICSTREAM_LEASE_TTL_MS'), 'lease-ttl-ms', 500, 600_000, 10_000),
    healthPort: int(get('health-port', 'METRICSTREAM_HEALTH_PORT'), 'health-port', 0, 65_535, 0),
    serviceArgs,
  };
}

function int(raw: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new ClusterConfigError(`--${flag} must be an integer from ${min} to ${max} (got "${raw}")`);
  return n;
}

function replicas(raw: string | undefined): 1 | 3 {
  if (raw === undefined || raw === '1') return 1;
  if (raw === '3') return 3;
  throw new ClusterConfigError(`--stream-replicas must be 1 or 3 (got "${raw}")`);
}
