// Level 0 · provided: read it, don't change it.
import type { MetricQueue, QueuedBatch } from '../queue/metric-queue.ts';
import type { MetricWriter } from './writer.ts';
import type { SeriesStore } from './series-store.ts';

/**
 * The storage side of the queue: takes waiting batches, hands them to the writer, then makes them
 * queryable. Batches reach the writer in the order they were queued: drains run one at a time, or,
 * with a writer that takes many batches at once (`writeAll`), each turn of the event loop hands
 * over what it queued without waiting for the writer's answer to the previous turn.
 */
export class StorageConsumer {
  private running: Promise<void> = Promise.resolve();
  private handOverDue: Promise<void> | undefined;

  constructor(
    private readonly queue: MetricQueue,
    private readonly writer: MetricWriter,
    private readonly store: SeriesStore,
  ) {}

  /** Drain everything queued so far; resolves when those batches are settled. */
  drain(): Promise<void> {
    if (this.writer.writeAll) return (this.handOverDue ??= new Promise<void>((resolve) => setImmediate(() => resolve(this.handOver()))));
    this.running = this.running.then(() => this.drainOnce());
    return this.running;
  }

  /** Everything queued in this turn (setImmediate runs after the poll phase), in one writeAll. */
  private handOver(): Promise<void> {
    this.handOverDue = undefined;
    const batches = this.queue.takeAll();
    const settled =
      batches.length === 0
        ? Promise.resolve()
        : this.writer.writeAll!(batches.map((b) => b.metrics)).then(
            (outcomes) => batches.forEach((batch, i) => this.stored(batch, outcomes[i])),
            (err: unknown) => batches.forEach((batch) => batch.settle(err)), // every request gets an answer
          );
    // A later drain() (close() waits for one) resolves only when every earlier hand-over has.
    this.running = Promise.all([this.running, settled]).then(() => undefined);
    return this.running;
  }

  private async drainOnce(): Promise<void> {
    for (const batch of this.queue.takeAll()) {
      try {
        await this.writer.write(batch.metrics);
      } catch (err) {
        batch.settle(err);
        continue;
      }
      this.stored(batch, undefined);
    }
  }

  /** The writer took the batch (err undefined): make it queryable, then answer its request. */
  private stored(batch: QueuedBatch, err: Error | undefined): void {
    if (err) return batch.settle(err);
    try {
      this.store.add(batch.metrics);
    } catch (addErr) {
      return batch.settle(addErr);
    }
    batch.settle();
  }
}
