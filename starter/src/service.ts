import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertManager } from './alerts/alert-manager.ts';
import { AlertMonitor } from './alerts/alert-monitor.ts';
import { loadRules } from './alerts/rules.ts';
import { loadServiceRules } from './alerts/service-rules.ts';
import { WebhookNotifier } from './alerts/webhook-notifier.ts';
import { FINAL_LEVEL, PRODUCTION_DEFAULTS, type Config } from './config.ts';
import { LiveFeed } from './dashboard/live-feed.ts';
import { isStaticPath, serveStatic } from './dashboard/static-files.ts';
import { admitAll, type Admission } from './http/admission.ts';
import { Router } from './http/router.ts';
import { applyServerTimeouts } from './http/server-timeouts.ts';
import { prometheusRoute, statsRoute } from './http/routes/stats-routes.ts';
import { ClientBuckets } from './limits/client-buckets.ts';
import { WindowAdmission } from './limits/window-admission.ts';
import { windowSettingsFromEnv } from './limits/window-settings.ts';
import { ingestRoute } from './http/routes/ingest-route.ts';
import { alertsRoute, healthRoute, queryRoute } from './http/routes/read-routes.ts';
import { managedAlertsRoute, rangeQueryRoute, seriesRoute } from './http/routes/monitoring-routes.ts';
import { InlineProcessor, type IngestProcessor } from './ingest/processor.ts';
import { parserByName, parserNameForLevel } from './ingest/parsers.ts';
import { WorkerPerRequestProcessor } from './ingest/worker-per-request.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { PoolProcessor } from './pool/pool-processor.ts';
import { FINAL_INLINE_MAX_BYTES, poolSettingsFromEnv } from './pool/pool-settings.ts';
import { MetricQueue } from './queue/metric-queue.ts';
import { ServiceMonitor } from './stats/service-monitor.ts';
import { PlainStats, type ServiceStats } from './stats/service-stats.ts';
import { createSharedStats } from './stats/shared-stats.ts';
import { SeriesStore } from './storage/series-store.ts';
import { SegmentStore } from './storage/segments/segment-store.ts';
import { StorageConsumer } from './storage/storage-consumer.ts';
import { SyncWriter, type MetricWriter } from './storage/writer.ts';
import { ThreadedWriter } from './storage/threaded-writer.ts';
import { createAsyncWriter } from './storage/create-writer.ts';
import { withBlockingDiskLatency } from './storage/disk-latency.ts';

/**
 * THE COMPOSITION ROOT. Every mechanism is chosen here by `config.level`: a feature of phase k is
 * used only when level >= k, otherwise the previous one stays. So one tree can run as any earlier
 * phase (`--level`), which is how the grader measures a learner's phase against the one before.
 *
 * To add a phase's mechanism: implement the seam's interface in its own module, then add one line
 * to the matching `choose…` function below, e.g.
 *   `if (config.level >= 2) return new AsyncWriter(...);`
 */

export interface ServiceDeps {
  /** Time source for default timestamps, queries' `end`, alerts and rate limits. */
  clock?: Clock;
  /** Where the service reports (alert transitions, warnings). Default: stdout. */
  log?: (line: string) => void;
}

/** Everything a level's mechanisms may need to be built. */
export interface Wiring {
  config: Config;
  clock: Clock;
  stats: ServiceStats;
  log: (line: string) => void;
}

// ---- one function per seam: which implementation runs at this level ----

function chooseStats(w: Omit<Wiring, 'stats'>): ServiceStats {
  if (w.config.level >= 1) return createSharedStats(w.log);
  return new PlainStats();
}

function chooseProcessor(w: Wiring): IngestProcessor {
  const kind = w.config.processor ?? (w.config.level >= 6 ? 'pool' : w.config.level >= 1 ? 'worker' : 'inline');
  if (kind === 'pool') {
    // Level 7: small bodies are parsed inline (a worker round trip costs more than their parse), and
    // every body is parsed and validated in one pass over its bytes (ingest/byte-parser.ts).
    const final = w.config.level >= FINAL_LEVEL ? { inlineMaxBytes: FINAL_INLINE_MAX_BYTES, fused: true, packed: true } : {};
    return new PoolProcessor({ parser: parserNameForLevel(w.config.level), clock: w.clock, ...final, ...poolSettingsFromEnv(process.env) });
  }
  if (kind === 'worker') return new WorkerPerRequestProcessor({ parser: parserNameForLevel(w.config.level), clock: w.clock });
  return new InlineProcessor(parserByName(parserNameForLevel(w.config.level)), w.clock);
}

function chooseWriter(w: Wiring): MetricWriter {
  if (w.config.level >= FINAL_LEVEL) {
    const { dataFile, diskLatencyMs, queueMax, flushIntervalMs } = w.config;
    return new ThreadedWriter({ dataFile, diskLatencyMs, queueMax, flushIntervalMs }, w.log);
  }
  if (w.config.level >= 2) return createAsyncWriter(w.config, w.log);
  return withBlockingDiskLatency(new SyncWriter(w.config.dataFile), w.config.diskLatencyMs);
}

function chooseAdmission(w: Wiring): Admission {
  if (w.config.level >= 7) return new ClientBuckets(w.config.rateLimit ?? PRODUCTION_DEFAULTS.rateLimit, w.clock);
  if (w.config.level >= 4) return new WindowAdmission(windowSettingsFromEnv(process.env, w.config.rateLimit ?? PRODUCTION_DEFAULTS.rateLimit), w.clock);
  return admitAll;
}

/**
 * The monitoring features of the finished system (query matchers, alert manager with webhooks,
 * dashboard) run at the final level only, so every lab's level keeps the behaviour its phase graded.
 */
function chooseAlerts(w: Wiring, store: SeriesStore): { alerts: Alerting; manager?: AlertManager; notifier?: WebhookNotifier } {
  const file = w.config.rulesFile;
  if (w.config.level >= FINAL_LEVEL) {
    const { rules, webhook } = file ? loadServiceRules(file) : { rules: [] };
    const notifier = webhook && new WebhookNotifier(webhook, w.log);
    const manager = new AlertManager(rules, store, w.clock, w.log, notifier);
    return { alerts: manager, manager, ...(notifier ? { notifier } : {}) };
  }
  const alerts = new AlertMonitor(file ? loadRules(file) : [], store, w.clock, (rule, from, to) =>
    w.log(`alert ${rule.name}: ${from} -> ${to.status}${to.value === undefined ? '' : ` (value ${to.value})`}`),
  );
  return { alerts };
}

// ---- the service ----

/** What the service and tools need of the alerting, whichever implementation runs. */
export interface Alerting {
  evaluate(): void;
  list(): unknown[];
  start(intervalMs: number): void;
  stop(): void;
}

export interface MetricStream {
  server: http.Server;
  level: number;
  /** Start accepting connections (port 0 = any free port). */
  listen(): Promise<{ host: string; port: number; url: string }>;
  /** Stop accepting, finish in-flight requests, flush every accepted metric to disk, release threads. */
  close(): Promise<void>;
  /** The points in memory (read-only use: tests, tools). */
  store: SeriesStore;
  /** Rule states; `alerts.evaluate()` runs one evaluation now. */
  alerts: Alerting;
  /** Final level: the webhook sender, if the rules file names one (tests wait on `settled()`). */
  notifier?: WebhookNotifier;
}

/** Longest wait for in-flight requests on close before their connections are cut. */
const CLOSE_GRACE_MS = 10_000;

export function createMetricStream(config: Config, deps: ServiceDeps = {}): MetricStream {
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? ((line: string) => console.log(line));
  const stats = chooseStats({ config, clock, log });
  const w: Wiring = { config, clock, stats, log };

  const final = config.level >= FINAL_LEVEL;
  const store = new SeriesStore();
  // Final level: time-partitioned segments next to the log make a restart read columns instead of every line.
  const segments = final && config.segmentPartitionMs > 0 ? new SegmentStore({ dataFile: config.dataFile, partitionMs: config.segmentPartitionMs, log }) : undefined;
  const retentionCutoff = (): number => clock.now() - config.retentionMs;
  const keepAll = !final || config.retentionMs === 0;
  // Before the writer appends to the log:
  const { loaded, skipped } = segments ? segments.load(store, keepAll ? -Infinity : retentionCutoff()) : store.loadFile(config.dataFile);
  if (skipped > 0) log(`warning: skipped ${skipped} unreadable line(s) in ${config.dataFile} (${loaded} loaded)`);
  if (!keepAll) store.prune(retentionCutoff());
  segments?.snapshot(store); // the store holds exactly the log's points now

  const writer = chooseWriter(w);
  const queue = new MetricQueue();
  const consumer = new StorageConsumer(queue, writer, store);
  const processor = chooseProcessor(w);
  const admission = chooseAdmission(w);
  const { alerts, manager, notifier } = chooseAlerts(w, store);

  const startedAt = performance.now();
  // Phase 7: per-route latency, connections, queue depths -> GET /stats and GET /metrics/prometheus.
  const monitor =
    config.level >= 7 ? new ServiceMonitor({ level: config.level, counters: () => stats.snapshot(), queues: { ingest: () => queue.depth } }) : undefined;
  const router = new Router(stats, monitor && ((route, status, t0) => monitor.observe(route, status, t0)))
    .route('/metrics', { POST: ingestRoute({ admission, processor, queue, consumer, stats, maxBodyBytes: config.maxBodyBytes }) })
    .route('/query', { GET: final ? rangeQueryRoute(store, clock) : queryRoute(store, clock) })
    .route('/alerts', { GET: manager ? managedAlertsRoute(manager) : alertsRoute(alerts as AlertMonitor) })
    .route('/health', { GET: healthRoute({ level: config.level, startedAt, stats, store, queueDepth: () => queue.depth }) });

  if (monitor) router.route('/stats', { GET: statsRoute(monitor) }).route('/metrics/prometheus', { GET: prometheusRoute(monitor) });
  if (final) router.route('/series', { GET: seriesRoute(store) });
  const live =
    final && monitor
      ? new LiveFeed({
          store,
          clock,
          report: () => monitor.report(),
          firing: () =>
            (manager?.list() ?? [])
              .filter((a) => a.status === 'firing')
              .map((a) => ({ rule: a.rule, severity: a.severity, ...(a.value === undefined ? {} : { value: a.value }), ...(a.firedAt === undefined ? {} : { firedAt: a.firedAt }) })),
          intervalMs: config.liveIntervalMs,
        })
      : undefined;
  const applyRetention = (): void => {
    store.prune(retentionCutoff());
    segments?.expire(store); // partitions now entirely older than the retention leave the disk too
  };
  const retentionTimer = keepAll ? undefined : setInterval(applyRetention, Math.min(60_000, config.retentionMs)).unref();

  const server = http.createServer((req, res) => {
    // The dashboard's page and its event stream write to `res` themselves; everything else is JSON via the router.
    if (live && req.method === 'GET') {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/events') return live.handle(req, res, url);
      if (isStaticPath(url.pathname)) return serveStatic(url.pathname, res);
    }
    router.handle(req, res).catch((err: unknown) => {
      log(`error: could not answer ${req.method} ${req.url}: ${(err as Error).message}`);
      res.destroy();
    });
  });
  if (monitor) {
    monitor.attach(server);
    applyServerTimeouts(server, config);
  }

  let closing: Promise<void> | undefined;

  return {
    server,
    level: config.level,
    store,
    alerts,
    ...(notifier ? { notifier } : {}),
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          const { address, port } = server.address() as AddressInfo;
          alerts.start(config.alertIntervalMs);
          const host = address.includes(':') ? `[${address}]` : address;
          resolve({ host: address, port, url: `http://${host}:${port}` });
        });
      }),
    close: () =>
      (closing ??= (async () => {
        router.closing = true;
        alerts.stop();
        clearInterval(retentionTimer);
        live?.close();
        // Half the grace for in-flight requests; main.ts gives up on the whole drain at the full grace.
        await stopServer(server, Math.ceil((config.shutdownGraceMs ?? CLOSE_GRACE_MS) / 2));
        await processor.close();
        await consumer.drain();
        await writer.close();
        segments?.snapshot(store); // everything accepted is in the log and the store, nothing else (skipped if close threw)
        await notifier?.close();
      })()),
  };
}

/** Stop accepting; idle keep-alive connections close now, busy ones after their answer (or at the grace limit). */
function stopServer(server: http.Server, graceMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs).unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
