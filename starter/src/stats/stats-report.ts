// Level 7 · provided: read it, don't change it.
import type { HistogramSnapshot } from './latency-histogram.ts';

/** What GET /stats answers, and what GET /metrics/prometheus renders in the text exposition format. */
export interface StatsReport {
  level: number;
  uptimeSec: number;
  /** Relative error of every percentile below (0.01 = 1%). */
  latencyRelativeError: number;
  /** Per route ("POST /metrics"): count, min, max, mean, p50, p95, p99 in milliseconds. */
  routes: Record<string, HistogramSnapshot>;
  connections: { active: number; total: number };
  /** Items waiting in each bounded queue (writer, pool, ...), at the moment of the report. */
  queues: Record<string, number>;
  /** The service's request counters (requests, accepted, rejected, errors). */
  counters: Record<string, number>;
  /** process.memoryUsage() in bytes. */
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number };
}
