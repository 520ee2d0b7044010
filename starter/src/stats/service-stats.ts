// Level 0 · provided: read it, don't change it.
/** The service's own counters, shown by GET /health. */
export const COUNTER_NAMES = ['requests', 'accepted', 'rejected', 'errors'] as const;
/**
 * - requests: every HTTP request received
 * - accepted: metrics accepted (the sum of `accepted` over 200 answers of POST /metrics)
 * - rejected: requests refused as the client's fault or by load control (4xx, 429, 503)
 * - errors:   requests that failed on our side (500, 501)
 */
export type CounterName = (typeof COUNTER_NAMES)[number];
export type CounterSnapshot = Record<CounterName, number>;

/** Seam: level 0 keeps plain numbers; phase 1 keeps them in shared memory, updated from workers. */
export interface ServiceStats {
  add(counter: CounterName, n?: number): void;
  snapshot(): CounterSnapshot;
}

/** Plain numbers: correct as long as only the main thread counts. */
export class PlainStats implements ServiceStats {
  private readonly counts: CounterSnapshot = { requests: 0, accepted: 0, rejected: 0, errors: 0 };
  add(counter: CounterName, n = 1): void {
    this.counts[counter] += n;
  }
  snapshot(): CounterSnapshot {
    return { ...this.counts };
  }
}
