// Level 7 · provided: read it, don't change it.
import type { StatsReport } from './stats-report.ts';

/**
 * The stats report in Prometheus' text exposition format (version 0.0.4), so a real Prometheus can
 * scrape `GET /metrics/prometheus`. Latencies become a `summary` in seconds (Prometheus' base unit).
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
};

export function toPrometheus(r: StatsReport): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const sample = (name: string, l: Record<string, string>, value: number) => out.push(`${name}${labels(l)} ${value}`);

  const latency = 'metricstream_request_duration_seconds';
  family(latency, 'summary', `Request latency by route (log-bucket histogram, ${r.latencyRelativeError * 100}% relative error).`);
  for (const [route, s] of Object.entries(r.routes)) {
    for (const [q, v] of [['0.5', s.p50], ['0.95', s.p95], ['0.99', s.p99]] as const) {
      sample(latency, { route, quantile: q }, v / 1000);
    }
    sample(`${latency}_sum`, { route }, (s.mean * s.count) / 1000);
    sample(`${latency}_count`, { route }, s.count);
  }
  for (const [counter, v] of Object.entries(r.counters)) {
    family(`metricstream_${counter}_total`, 'counter', `The service's "${counter}" counter since start.`);
    sample(`metricstream_${counter}_total`, {}, v);
  }
  family('metricstream_active_connections', 'gauge', 'Open client connections.');
  sample('metricstream_active_connections', {}, r.connections.active);
  family('metricstream_connections_total', 'counter', 'Client connections accepted since start.');
  sample('metricstream_connections_total', {}, r.connections.total);
  family('metricstream_queue_depth', 'gauge', 'Items waiting in a bounded queue.');
  for (const [queue, v] of Object.entries(r.queues)) sample('metricstream_queue_depth', { queue }, v);
  family('metricstream_memory_bytes', 'gauge', 'Process memory (process.memoryUsage).');
  for (const [kind, v] of Object.entries(r.memory)) sample('metricstream_memory_bytes', { kind }, v);
  family('metricstream_uptime_seconds', 'gauge', 'Seconds since the service started.');
  sample('metricstream_uptime_seconds', {}, r.uptimeSec);
  return out.join('\n') + '\n';
}
