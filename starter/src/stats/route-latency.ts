// Level 7 · provided: read it, don't change it.
import { LatencyHistogram, type HistogramSnapshot } from './latency-histogram.ts';

/**
 * One latency histogram per route (its path, e.g. "/metrics"), fed when the answer is sent. Only
 * answered routes are recorded (the monitor skips 404s), so the number of histograms stays bounded.
 */
export class RouteLatency {
  private readonly byRoute = new Map<string, LatencyHistogram>();

  record(route: string, ms: number): void {
    let h = this.byRoute.get(route);
    if (!h) {
      h = new LatencyHistogram();
      this.byRoute.set(route, h);
    }
    h.record(ms);
  }

  /** The stated relative error of every reported percentile. */
  get relativeError(): number {
    return new LatencyHistogram().relativeError;
  }

  snapshot(): Record<string, HistogramSnapshot> {
    return Object.fromEntries([...this.byRoute].map(([route, h]) => [route, h.snapshot()]));
  }
}
