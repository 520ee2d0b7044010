import type { MetricQueue } from '../queue/metric-queue.ts';
import type { MetricWriter } from './writer.ts';
import type { SeriesStore } from './series-store.ts';

/**
 * The storage side of the queue: takes waiting batches, hands them to the writer, then makes them
 * queryable. Drains run one at a time, so batches reach the writer in the order they were queued.
 */
export class StorageConsumer {
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly queue: MetricQueue,
    private readonly writer: MetricWriter,
    private readonly store: SeriesStore,
  ) {}

  /** Drain everything queued so far; resolves when those batches are settled. */
  drain(): Promise<void> {
    this.running = this.running.then(() => this.drainOnce());
    return this.running;
  }

  private async drainOnce(): Promise<void> {
    for (const batch of this.queue.takeAll()) {
      try {
        await this.writer.write(batch.metrics);
        this.store.add(batch.metrics);
        batch.settle();
      } catch (err) {
        batch.settle(err);
      }
    }
  }
}
