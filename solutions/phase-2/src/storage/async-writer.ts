// Level 2 · exercise of phase 2: yours to write on its branch; later branches hold the reference.
import type { Metric } from '../ingest/metric.ts';
import { encodeLines } from './line-format.ts';
import type { MetricWriter } from './writer.ts';
import type { WriteSink } from './write-sink.ts';
import { Wakeup } from './wakeup.ts';
import { resolveAsyncWriterOptions, type AsyncWriterOptions, type AsyncWriterStats } from './async-writer-options.ts';
import { QueueFullError, WriterClosedError, WriterFailedError } from './writer-errors.ts';

/**
 * Producer-consumer writer: write() only enqueues (the request path never waits for the disk),
 * one background loop writes the queue in batches with one fsync per batch, close() drains.
 */
export class AsyncWriter implements MetricWriter {
  readonly options: AsyncWriterOptions;
  private readonly queue: Metric[] = [];
  /** Metrics accepted and not yet durable: the queue plus the batch being written. The bound applies to it. */
  private pending = 0;
  /** When the oldest queued metric arrived (ms, performance.now()); its flush deadline is this + flushIntervalMs. */
  private oldestAt = 0;
  private closing = false;
  private failure: WriterFailedError | undefined;
  private readonly wakeup = new Wakeup();
  private readonly counters = { written: 0, batches: 0, refused: 0, writeErrors: 0 };
  private readonly loop: Promise<void>;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly sink: WriteSink,
    options: Partial<AsyncWriterOptions> = {},
  ) {
    this.options = resolveAsyncWriterOptions(options);
    this.loop = this.run();
  }

  /** Enqueue the whole batch or refuse it whole; resolves once queued, not once on disk. */
  async write(batch: readonly Metric[]): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closing) throw new WriterClosedError();
    const { maxQueue, maxBatch } = this.options;
    if (this.pending + batch.length > maxQueue) {
      this.counters.refused += batch.length;
      throw new QueueFullError(this.pending, batch.length, maxQueue);
    }
    if (this.queue.length === 0) this.oldestAt = performance.now();
    for (const m of batch) this.queue.push(m);
    this.pending += batch.length;
    // Wake the loop when its condition may have changed: a first item starts the flush timer, a full batch flushes now.
    if (this.queue.length === batch.length || this.queue.length >= maxBatch) this.wakeup.notify();
  }

  /** Stop taking metrics, write everything already accepted, close the sink. Rejects if the disk failed. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      this.wakeup.notify();
      await this.loop;
      await this.sink.close();
      if (this.failure) throw this.failure;
    })();
    return this.closed;
  }

  stats(): AsyncWriterStats {
    return { pending: this.pending, ...this.counters };
  }

  /** The consumer: wait until a batch is due, write it durably, repeat; return once closing and empty. */
  private async run(): Promise<void> {
    for (;;) {
      // Predicate loop, as around a condition variable: every wake re-checks the state.
      while (!this.batchDue()) {
        if (this.closing && this.queue.length === 0) return;
        await this.wakeup.wait(this.queue.length === 0 ? undefined : this.msUntilDeadline());
      }
      const batch = this.queue.splice(0, this.options.maxBatch);
      // Leftovers keep the old deadline: they are at least as old as the next arrival.
      try {
        await this.writeDurably(batch);
      } catch (err) {
        // Give up without losing anything: the batch goes back to the head of the queue, and
        // close() and every later write() report how many metrics are not on disk.
        this.queue.unshift(...batch);
        this.failure = new WriterFailedError(this.pending, err as Error);
        return;
      }
      this.pending -= batch.length;
      this.counters.written += batch.length;
      this.counters.batches += 1;
    }
  }

  private batchDue(): boolean {
    const n = this.queue.length;
    return n >= this.options.maxBatch || (n > 0 && (this.closing || this.msUntilDeadline() <= 0));
  }

  private msUntilDeadline(): number {
    return this.oldestAt + this.options.flushIntervalMs - performance.now();
  }

  /** The whole batch in one append + fsync, retried with doubling pauses; throws after maxAttempts. */
  private async writeDurably(batch: readonly Metric[]): Promise<void> {
    const data = encodeLines(batch);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sink.appendAndSync(data);
        return;
      } catch (err) {
        this.counters.writeErrors += 1;
        this.options.onError?.(err as Error, attempt);
        if (attempt >= this.options.maxAttempts) throw err;
        await sleep(this.options.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
