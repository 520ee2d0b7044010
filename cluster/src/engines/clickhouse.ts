import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { EngineStartError, findExecutable, freePort, missingBinary, restartable, startEngine, type RestartableEngine } from './process.ts';

/**
 * clickhouse-server (Debian's 18.16) in a folder of its own: config, users, data and logs, on free
 * loopback ports. A restart reuses the folder and the ports, so a killed replica comes back as the
 * same replica (ZooKeeper knows it by host and interserver port).
 */

/** Why clickhouse-server cannot run here, or undefined. */
export const clickhouseMissing = (): string | undefined => missingBinary('clickhouse-server', 'clickhouse-server');

export interface ClickHousePorts {
  http: number;
  tcp: number;
  /** Replicas fetch parts from each other here. */
  interserver: number;
}

/** One shard of a cluster in remote_servers: its replicas' native (tcp) endpoints. */
export interface ClickHouseShard {
  replicas: Array<{ host: string; port: number }>;
}

export interface ClickHouseOptions {
  /** The server's own folder (created): config.xml, users.xml, data/, logs. */
  dir: string;
  /** For messages (default `clickhouse`). */
  name?: string;
  /** Needed by Replicated tables (and ON CLUSTER DDL). */
  zookeeper?: { port: number; host?: string; sessionTimeoutMs?: number };
  /** {shard} and {replica} in a Replicated table's ZooKeeper path and replica name. */
  macros?: { shard: string; replica: string };
  /** Clusters that Distributed tables name: cluster name -> shards. */
  remoteServers?: Record<string, ClickHouseShard[]>;
  /** Use these ports instead of free ones (e.g. known in advance for another server's remote_servers). */
  ports?: Partial<ClickHousePorts>;
  /** Server log level (files in `dir` and stderr). */
  logLevel?: 'error' | 'warning' | 'information' | 'debug' | 'trace';
}

export interface RunningClickHouse extends RestartableEngine {
  name: string;
  /** http://127.0.0.1:PORT, what @clickhouse/client is given. */
  url: string;
  httpPort: number;
  tcpPort: number;
  interserverPort: number;
  dir: string;
  // stop(): close clients first: an open keep-alive socket holds the shutdown ~5 s.
}

const START_ATTEMPTS = 3;
const DEFAULT_SESSION_TIMEOUT_MS = 4000;

export async function startClickHouse(opts: ClickHouseOptions): Promise<RunningClickHouse> {
  const name = opts.name ?? 'clickhouse';
  const binary = findExecutable('clickhouse-server');
  if (!binary) throw new EngineStartError(name, 'could not start', clickhouseMissing() ?? '');
  for (let attempt = 1; ; attempt++) {
    const server = prepareServer(binary, name, opts, await pickPorts(opts.ports));
    try {
      await server.restart();
      return server;
    } catch (err) {
      // Another process took a port between freePort() and the bind: try others (given ports stay).
      const portTaken = err instanceof EngineStartError && /address already in use/i.test(err.log);
      if (!portTaken || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

/** The given ports, and distinct free ones for the others. */
async function pickPorts(given: Partial<ClickHousePorts> = {}): Promise<ClickHousePorts> {
  const taken = new Set(Object.values(given));
  const next = async (): Promise<number> => {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    return port;
  };
  return { http: given.http ?? (await next()), tcp: given.tcp ?? (await next()), interserver: given.interserver ?? (await next()) };
}

function prepareServer(binary: string, name: string, opts: ClickHouseOptions, ports: ClickHousePorts): RunningClickHouse {
  const dir = path.resolve(opts.dir);
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(path.join(dir, sub), { recursive: true });
  const configFile = path.join(dir, 'config.xml');
  writeFileSync(configFile, serverConfig(dir, ports, opts));
  writeFileSync(path.join(dir, 'users.xml'), USERS_XML);
  const handle = restartable(name, () => {
    // Read back through the HTTP port by the readiness check: the server answering is this one, not
    // another that holds the port (a second server that fails to bind takes a moment to exit).
    const token = `${name}-${randomUUID()}`;
    writeFileSync(path.join(dir, 'user_files', IDENTITY_FILE), `${token}\n`);
    const ready = async () => (await get(ports.http, '/ping')) === 'Ok.' && (await get(ports.http, IDENTITY_QUERY)) === token;
    return startEngine({ name, binary, args: [`--config-file=${configFile}`], cwd: dir, ready, readyWithinMs: 30_000 });
  });
  // Assigned onto the handle, which keeps its pid/process getters (a spread would freeze them).
  return Object.assign(handle, { name, url: `http://127.0.0.1:${ports.http}`, httpPort: ports.http, tcpPort: ports.tcp, interserverPort: ports.interserver, dir });
}

const IDENTITY_FILE = 'instance-token';
const IDENTITY_QUERY = `/?query=${encodeURIComponent(`SELECT token FROM file('${IDENTITY_FILE}', 'TSV', 'token String')`)}`;

/** The body of a 200 answer to GET `pathAndQuery`, trimmed, else undefined. A fresh connection: no idle keep-alive socket delays a shutdown. */
function get(port: number, pathAndQuery: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathAndQuery, agent: false, timeout: 1000, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

const xml = (s: string | number): string => String(s).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The smallest config 18.16 runs with, all paths in `dir`, caches sized for a test machine. */
function serverConfig(dir: string, ports: ClickHousePorts, opts: ClickHouseOptions): string {
  const file = (name: string) => xml(path.join(dir, name));
  const folder = (name: string) => xml(path.join(dir, name) + '/'); // ClickHouse wants the slash
  const lines = [
    '<?xml version="1.0"?>',
    '<yandex>',
    `  <logger><level>${opts.logLevel ?? 'warning'}</level><console>1</console><log>${file('server.log')}</log><errorlog>${file('server.err.log')}</errorlog><size>10M</size><count>1</count></logger>`,
    '  <listen_host>127.0.0.1</listen_host>',
    `  <http_port>${ports.http}</http_port>`,
    `  <tcp_port>${ports.tcp}</tcp_port>`,
    `  <interserver_http_port>${ports.interserver}</interserver_http_port>`,
    // What this replica tells the others (through ZooKeeper) to fetch parts from.
    '  <interserver_http_host>127.0.0.1</interserver_http_host>',
    `  <path>${folder('data')}</path>`,
    `  <tmp_path>${folder('tmp')}</tmp_path>`,
    `  <user_files_path>${folder('user_files')}</user_files_path>`,
    `  <format_schema_path>${folder('format_schemas')}</format_schema_path>`,
    `  <users_config>${file('users.xml')}</users_config>`,
    '  <default_profile>default</default_profile>',
    '  <default_database>default</default_database>',
    '  <timezone>UTC</timezone>',
    '  <mark_cache_size>67108864</mark_cache_size>',
    '  <uncompressed_cache_size>16777216</uncompressed_cache_size>',
    '  <mlock_executable>false</mlock_executable>',
  ];
  if (opts.zookeeper) {
    const zk = opts.zookeeper;
    // A short session: a killed replica's ephemeral "is_active" node goes soon, so its restart can take over.
    lines.push(
      `  <zookeeper><node><host>${xml(zk.host ?? '127.0.0.1')}</host><port>${zk.port}</port></node><session_timeout_ms>${zk.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS}</session_timeout_ms></zookeeper>`,
    );
  }
  if (opts.macros) lines.push(`  <macros><shard>${xml(opts.macros.shard)}</shard><replica>${xml(opts.macros.replica)}</replica></macros>`);
  if (opts.remoteServers) {
    lines.push('  <remote_servers>');
    for (const [cluster, shards] of Object.entries(opts.remoteServers)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(cluster)) throw new RangeError(`cluster name "${cluster}" must be an XML element name ([A-Za-z_][A-Za-z0-9_]*)`);
      lines.push(`    <${cluster}>`);
      for (const shard of shards) {
        // internal_replication: a Distributed insert writes one replica, the Replicated table copies it.
        const replicas = shard.replicas.map((r) => `<replica><host>${xml(r.host)}</host><port>${r.port}</port></replica>`).join('');
        lines.push(`      <shard><internal_replication>true</internal_replication>${replicas}</shard>`);
      }
      lines.push(`    </${cluster}>`);
    }
    lines.push('  </remote_servers>');
  }
  lines.push('</yandex>', '');
  return lines.join('\n');
}

/** One user, `default`, no password, loopback only: a test engine. in_order: a Distributed read asks the first live replica, the same one every time. */
const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><load_balancing>in_order</load_balancing></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
`;
