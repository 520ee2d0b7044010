// Level 7 · provided: read it, don't change it.
import { AlertManager } from '../alerts/alert-manager.ts';
import { loadServiceRules } from '../alerts/service-rules.ts';
import { WebhookNotifier } from '../alerts/webhook-notifier.ts';
import * as configFile from '../config-file.ts';
import { PRODUCTION_DEFAULTS, type ConfigFileModule } from '../config.ts';
import { LiveFeed } from '../dashboard/live-feed.ts';
import { isStaticPath, serveStatic } from '../dashboard/static-files.ts';
import { managedAlertsRoute, rangeQueryRoute, seriesRoute } from '../http/routes/monitoring-routes.ts';
import { prometheusRoute, statsRoute } from '../http/routes/stats-routes.ts';
import { applyServerTimeouts } from '../http/server-timeouts.ts';
import { fusedStep } from '../ingest/fused-step.ts';
import { ClientBuckets } from '../limits/client-buckets.ts';
import { readPacked } from '../pool/packed-ingest-task.ts';
import { PoolProcessor } from '../pool/pool-processor.ts';
import { ServiceMonitor } from '../stats/service-monitor.ts';
import { SegmentStore } from '../storage/segments/segment-store.ts';
import { RingWriter } from '../storage/ring-writer.ts';
import { ThreadedWriter } from '../storage/threaded-writer.ts';
import type { Level } from './seams.ts';

// config.ts loads config-file.ts only when a file is named; this keeps the two in step at compile time.
configFile satisfies ConfigFileModule;

/**
 * The finished service's inline cut-over, in request-body bytes (measured: docs/performance.md).
 * With the fused byte parser, inline wins on throughput at every size we measured (up to 245 KB);
 * the cap bounds how long one body holds the event loop (~2 ms at 256 KiB): larger ones go to the pool.
 */
export const FINAL_INLINE_MAX_BYTES = 256 * 1024;

/**
 * Level 7, production: the writer on its own thread, small bodies parsed inline in one pass over
 * their bytes, a token bucket per client, the alert manager with webhooks, query matchers,
 * /stats and the Prometheus exposition, the live dashboard, server timeouts, time-partitioned
 * segments for fast restarts, and retention.
 */
const level7: Level = (prev) => {
  let manager: AlertManager | undefined;
  return {
    ...prev,
    parse: fusedStep,
    processors: {
      ...prev.processors,
      pool: (w) =>
        new PoolProcessor({ clock: w.clock, handler: new URL('../pool/packed-ingest-task.ts', import.meta.url), read: readPacked, inline: fusedStep, inlineMaxBytes: FINAL_INLINE_MAX_BYTES, ...w.config.pool }),
    },
    // Phase 2's writer on a thread of its own, fed through phase 5's ring (or by messages: --hand-over).
    writer: (w) => {
      const { dataFile, diskLatencyMs, queueMax, flushIntervalMs } = w.config;
      const settings = { dataFile, diskLatencyMs, queueMax, flushIntervalMs };
      return w.config.handOver === 'ring' ? new RingWriter(settings, w.log) : new ThreadedWriter(settings, w.log);
    },
    admission: (w) => new ClientBuckets(w.config.rateLimit ?? PRODUCTION_DEFAULTS.rateLimit, w.clock),
    alerting: (w, store) => {
      const file = w.config.rulesFile;
      const { rules, webhook } = file ? loadServiceRules(file) : { rules: [] };
      const notifier = webhook && new WebhookNotifier(webhook, w.log);
      manager = new AlertManager(rules, store, w.clock, w.log, notifier);
      return { alerts: manager, route: managedAlertsRoute(manager), ...(notifier ? { notifier } : {}) };
    },
    query: (w, store) => rangeQueryRoute(store, w.clock),
    storage: (w, store) => {
      const { config, clock, log } = w;
      // Time-partitioned segments next to the log make a restart read columns instead of every line.
      const segments = config.segmentPartitionMs > 0 ? new SegmentStore({ dataFile: config.dataFile, partitionMs: config.segmentPartitionMs, log }) : undefined;
      const keepAll = config.retentionMs === 0;
      const cutoff = (): number => clock.now() - config.retentionMs;
      const applyRetention = (): void => {
        store.prune(cutoff());
        segments?.expire(store); // partitions now entirely older than the retention leave the disk too
      };
      let timer: NodeJS.Timeout | undefined;
      return {
        load: () => {
          const read = segments ? segments.load(store, keepAll ? -Infinity : cutoff()) : store.loadFile(config.dataFile);
          if (!keepAll) store.prune(cutoff());
          segments?.snapshot(store); // the store holds exactly the log's points now
          if (!keepAll) timer = setInterval(applyRetention, Math.min(60_000, config.retentionMs)).unref();
          return read;
        },
        closed: () => segments?.snapshot(store), // everything accepted is in the log and the store, nothing else
        stop: () => clearInterval(timer),
      };
    },
    extensions: [
      ...prev.extensions,
      (w, service) => {
        const monitor = new ServiceMonitor({ level: w.config.level, counters: () => w.stats.snapshot(), queues: { ingest: service.queueDepth } });
        const live = new LiveFeed({
          store: service.store,
          clock: w.clock,
          report: () => monitor.report(),
          firing: () =>
            (manager?.list() ?? [])
              .filter((a) => a.status === 'firing')
              .map((a) => ({ rule: a.rule, severity: a.severity, ...(a.value === undefined ? {} : { value: a.value }), ...(a.firedAt === undefined ? {} : { firedAt: a.firedAt }) })),
          intervalMs: w.config.liveIntervalMs,
        });
        return {
          routes: { '/stats': { GET: statsRoute(monitor) }, '/metrics/prometheus': { GET: prometheusRoute(monitor) }, '/series': { GET: seriesRoute(service.store) } },
          observe: (route, status, t0) => monitor.observe(route, status, t0),
          // The dashboard's page and its event stream write to `res` themselves.
          handle: (req, res) => {
            if (req.method !== 'GET') return false;
            const url = new URL(req.url ?? '/', 'http://localhost');
            if (url.pathname === '/events') live.handle(req, res, url);
            else if (isStaticPath(url.pathname)) serveStatic(url.pathname, res);
            else return false;
            return true;
          },
          attach: (server) => {
            monitor.attach(server);
            applyServerTimeouts(server, w.config);
          },
          close: () => live.close(),
        };
      },
    ],
  };
};
export default level7;
