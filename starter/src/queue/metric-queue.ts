// Level 0 · provided: read it, don't change it.
import type { Metric } from '../ingest/metric.ts';

/** A batch waiting for storage, with the promise its request is waiting on. */
export interface QueuedBatch {
  metrics: Metric[];
  /** Called by the consumer: no argument = stored, an error = not stored. */
  settle(err?: unknown): void;
}

/**
 * The in-memory queue between ingestion (producers: requests) and storage (the consumer).
 * `push` resolves once the consumer has handed the batch to the writer, so a request answers 200
 * only for metrics the writer accepted. Unbounded at level 0: one request drains its own batch.
 */
export class MetricQueue {
  private batches: QueuedBatch[] = [];
  private queuedMetrics = 0;

  push(metrics: Metric[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.batches.push({ metrics, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      this.queuedMetrics += metrics.length;
    });
  }

  /** Take every waiting batch, oldest first. */
  takeAll(): QueuedBatch[] {
    const taken = this.batches;
    this.batches = [];
    this.queuedMetrics = 0;
    return taken;
  }

  /** Metrics waiting (for /health and load control). */
  get depth(): number {
    return this.queuedMetrics;
  }
}
