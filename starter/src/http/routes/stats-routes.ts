// Level 7 · provided: read it, don't change it.
import { PROMETHEUS_CONTENT_TYPE, toPrometheus } from '../../stats/prometheus.ts';
import type { ServiceMonitor } from '../../stats/service-monitor.ts';
import { ok } from '../reply.ts';
import type { Handler } from '../router.ts';

/** GET /stats: per-route latency percentiles, connections, queue depths, counters, memory (JSON). */
export const statsRoute =
  (monitor: ServiceMonitor): Handler =>
  () =>
    ok(monitor.report());

/** GET /metrics/prometheus: the same report in Prometheus' text exposition format, for scraping. */
export const prometheusRoute =
  (monitor: ServiceMonitor): Handler =>
  () => ({ status: 200, body: toPrometheus(monitor.report()), headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } });
