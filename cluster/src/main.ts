import type { NatsConnection } from 'nats';
import { ConfigError, loadConfig } from '../../starter/src/config.ts';
import { ClickHouseEndpoints } from './clickhouse/endpoints.ts';
import { createSchema, tableExists } from './clickhouse/schema.ts';
import { ClusterConfigError, loadClusterConfig, type ClusterConfig } from './cluster-config.ts';
import { kvAlertStates } from './jetstream/alert-states.ts';
import { Lease } from './jetstream/lease.ts';
import { connectNats, ensureMetricsStream } from './jetstream/stream.ts';
import { JetStreamWriter } from './jetstream/writer.ts';
import { startHealthServer } from './roles/health-server.ts';
import { startHttpNode } from './roles/http-node.ts';
import { startRetention } from './roles/retention.ts';
import { startStoreRole, type StoreRole } from './roles/store.ts';

/**
 * One node of the cluster mode (docs/scale-out.md): `npm start -- --role ingest|store|query|alerts|all
 * --nats nats://... --clickhouse http://...`. It prints `node <id> (<role>) ready: <url>` once it
 * serves (the local cluster waits for that line) and stops cleanly on SIGINT/SIGTERM. A store node
 * serves only GET /health; the others serve the service's API.
 */
/** An engine that stayed unreachable (or refused) through the start-up retries. */
class StartupError extends Error {
  override name = 'StartupError';
}

const log = (line: string): void => console.log(line);
const stops: (() => Promise<unknown>)[] = [];
let config: ClusterConfig;
let url: string;
try {
  config = loadClusterConfig(process.argv.slice(2), process.env);
  url = await start(config);
} catch (err) {
  const known = err instanceof ClusterConfigError || err instanceof ConfigError || err instanceof StartupError || (err as Error).name === 'RulesError';
  console.error(known ? `error: ${(err as Error).message}` : `error: cannot start the node: ${(err as Error).stack ?? String(err)}`);
  await stopAll();
  process.exit(2);
}
log(`node ${config.nodeId} (${config.role}) ready: ${url}`);

async function start(cfg: ClusterConfig): Promise<string> {
  const clickhouse = new ClickHouseEndpoints(cfg.clickhouse);
  stops.push(() => clickhouse.close());
  const nc: NatsConnection = await retrying(`connect to NATS (${cfg.nats.join(', ')})`, () => connectNats(cfg.nats, `${cfg.role}-${cfg.nodeId}`));
  stops.push(() => nc.drain());
  // Every node may be the first: the stream is created (or brought to this config) by whoever starts.
  // A NATS cluster that has just started may still be electing its leaders: keep asking a while.
  const jsm = await nc.jetstreamManager();
  await retrying('create the METRICS stream', () => ensureMetricsStream(jsm, { replicas: cfg.streamReplicas, partitions: cfg.partitions }));

  const role = cfg.role;
  let store: StoreRole | undefined;
  if (role === 'store' || role === 'all') {
    const { retentionMs } = await loadConfig(cfg.serviceArgs, process.env); // the service's flags, checked before anything starts
    await retrying(`find the ${cfg.table} table`, () => ensureTable(clickhouse, cfg.table));
    store = await retrying('create the store consumer', () => startStoreRole(nc, clickhouse, cfg.table, log));
    stops.unshift(() => store!.stop()); // stop consuming before the connections close
    if (retentionMs > 0) {
      const retention = startRetention(clickhouse, cfg.table, retentionMs, log);
      stops.unshift(async () => retention.stop());
    }
  }
  if (role === 'store') return serveHealth(cfg, () => ({ role, nodeId: cfg.nodeId, clickhouse: clickhouse.active, consumer: store!.stats() }));

  // Made here, taken only once the service (and its rules file) loaded: a node that cannot start must not hold it.
  const lease =
    role === 'alerts' || role === 'all'
      ? new Lease(nc, { holderId: `${cfg.nodeId}-${process.pid}`, ttlMs: cfg.leaseTtlMs, replicas: cfg.streamReplicas, log, onChange: (held) => log(held ? `node ${cfg.nodeId}: evaluating alerts (lease taken)` : `node ${cfg.nodeId}: standing by (lease not held)`) })
      : undefined;
  const writer = role === 'ingest' || role === 'all' ? new JetStreamWriter(nc, { nodeId: cfg.nodeId, partitions: cfg.partitions, maxInFlight: cfg.publishInFlight, log }) : undefined;
  const service = await startHttpNode(cfg.serviceArgs, { ...(writer ? { writer } : {}), clickhouse, table: cfg.table, ...(lease ? { alerts: { lease, states: kvAlertStates(nc, cfg.streamReplicas) } } : {}) }, log);
  // The service closes its writer (waiting for publishes in flight) before the connection goes.
  stops.unshift(() => service.close());
  if (lease) {
    await retrying('open the lease bucket', () => lease.start());
    stops.unshift(() => lease.stop());
  }
  const { url: served } = await service.listen();
  return served;
}

/** A store node alone creates the table when the server has none (one server, no replication); a replicated setup creates its own (see local/). */
async function ensureTable(clickhouse: ClickHouseEndpoints, table: string): Promise<void> {
  if (await clickhouse.run((client) => tableExists(client, table))) return;
  await clickhouse.run((client) => createSchema(client, { table }));
  log(`created table ${table} on ${clickhouse.active}`);
}

/** Start-up steps that fail while the engines settle (a leader election, a server still loading): retried for 60 s. */
async function retrying<T>(what: string, step: () => Promise<T>, withinMs = 60_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 4000)) {
    try {
      return await step();
    } catch (err) {
      if (Date.now() + delay > deadline) throw new StartupError(`could not ${what} within ${withinMs / 1000} s: ${(err as Error).message}`);
      log(`node: could not ${what} yet (${(err as Error).message}); retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function serveHealth(cfg: ClusterConfig, report: () => Record<string, unknown>): Promise<string> {
  const host = hostOf(cfg.serviceArgs);
  const health = await startHealthServer(host, cfg.healthPort, report);
  stops.unshift(() => health.close());
  return health.url;
}

/** The --host the service would listen on (127.0.0.1 unless given). */
function hostOf(args: readonly string[]): string {
  const i = args.findIndex((a) => a === '--host' || a.startsWith('--host='));
  if (i < 0) return '127.0.0.1';
  return args[i]!.includes('=') ? args[i]!.slice('--host='.length) : (args[i + 1] ?? '127.0.0.1');
}

async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0)) await stop().catch((err: unknown) => console.error(`error during shutdown: ${(err as Error).message}`));
}

let stopping = false;
const onSignal = (signal: string): void => {
  if (stopping) {
    console.error(`${signal} again: exiting without waiting`);
    process.exit(1);
  }
  stopping = true;
  setTimeout(() => {
    console.error(`${signal}: shutdown still draining after 15 s, exiting with 1`);
    process.exit(1);
  }, 15_000).unref();
  void stopAll().then(() => process.exit(0));
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
