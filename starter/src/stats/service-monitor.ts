// Level 7 · provided: read it, don't change it.
import type { Server } from 'node:http';
import { isTodoError } from '../lib/todo.ts';
import { RouteLatency } from './route-latency.ts';
import type { StatsReport } from './stats-report.ts';

export interface MonitorSources {
  level: number;
  /** The service's request counters, read at report time. */
  counters: () => Record<string, number>;
  /** Depth of each bounded queue, read at report time (absent queues are simply not listed). */
  queues?: Record<string, () => number>;
}

/**
 * Watches the server — connections, and per-route latency through the router's onReply hook — and builds the
 * report behind GET /stats and GET /metrics/prometheus. Attach it once, at level >= 7.
 */
export class ServiceMonitor {
  private readonly started = performance.now();
  private readonly latency = new RouteLatency();
  private active = 0;
  private total = 0;
  /** Set when the learner's histogram is still a stub: the service keeps serving, /stats says why. */
  private histogramError: Error | undefined;

  constructor(private readonly sources: MonitorSources) {}

  attach(server: Server): void {
    server.on('connection', (socket) => {
      this.active++;
      this.total++;
      socket.once('close', () => this.active--);
    });
  }

  /**
   * The router's `onReply` hook: record the latency of every answer under its route (the path).
   * 404s are skipped so that random URLs cannot grow the table of histograms.
   */
  observe(route: string, status: number, startedAt: number): void {
    if (status !== 404) this.record(route, performance.now() - startedAt);
  }

  private record(route: string, ms: number): void {
    if (this.histogramError) return;
    try {
      this.latency.record(route, ms);
    } catch (err) {
      if (!isTodoError(err)) throw err;
      this.histogramError = err as Error;
    }
  }

  report(): StatsReport {
    if (this.histogramError) throw this.histogramError;
    const m = process.memoryUsage();
    return {
      level: this.sources.level,
      uptimeSec: Math.round((performance.now() - this.started) / 1000),
      latencyRelativeError: this.latency.relativeError,
      routes: this.latency.snapshot(),
      connections: { active: this.active, total: this.total },
      queues: Object.fromEntries(Object.entries(this.sources.queues ?? {}).map(([name, depth]) => [name, depth()])),
      counters: this.sources.counters(),
      memory: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external },
    };
  }
}
