// Level 2 · exercise of phase 2: yours to write on its branch; later branches hold the reference.
import type { Metric } from '../ingest/metric.ts';
import { todo } from '../lib/todo.ts';
import type { MetricWriter } from './writer.ts';
import type { WriteSink } from './write-sink.ts';
import { resolveAsyncWriterOptions, type AsyncWriterOptions, type AsyncWriterStats } from './async-writer-options.ts';

const LESSON = 'docs/phase-2-async-io.md';

// Provided for you: the options and counters (./async-writer-options.ts), `Wakeup` (./wakeup.ts,
// the condition variable), `encodeLines` (./line-format.ts, metrics as JSON lines), the errors in
// ./writer-errors.ts, and the `sink` you write to.
/**
 * Producer-consumer writer: write() only enqueues (the request path never waits for the disk),
 * one background loop writes the queue in batches with one fsync per batch, close() drains.
 */
export class AsyncWriter implements MetricWriter {
  readonly options: AsyncWriterOptions;

  constructor(
    private readonly sink: WriteSink,
    options: Partial<AsyncWriterOptions> = {},
  ) {
    this.options = resolveAsyncWriterOptions(options);
    // TODO(phase-2): set up the queue and start the background loop here (it runs until close()).
  }

  /** Enqueue the whole batch or refuse it whole; resolves once queued, not once on disk. */
  async write(batch: readonly Metric[]): Promise<void> {
    // TODO(phase-2): enqueue the batch and return — never wait for the disk here.
    // - Accept the whole batch or refuse it whole: if the metrics pending (queued + being written)
    //   plus this batch would exceed `maxQueue`, throw a `QueueFullError` (the service answers 503).
    // - After close() has started, throw a `WriterClosedError`; after the disk failed for good,
    //   throw the `WriterFailedError`.
    // - Wake the loop when it should act: the first queued metric starts the flush timer, a full
    //   batch (`maxBatch`) is written at once.
    todo(2, 'AsyncWriter.write', `${LESSON}#check-backpressure`);
  }

  /** Stop taking metrics, write everything already accepted, close the sink. Rejects if the disk failed. */
  async close(): Promise<void> {
    // TODO(phase-2): stop taking metrics, let the loop write EVERYTHING already accepted, then
    // close the sink. Reject with the `WriterFailedError` if the disk failed. Calling it twice is fine.
    //
    // The background loop you start in the constructor:
    // - waits (Wakeup.wait with a timeout) until a batch is due: `maxBatch` metrics queued, or the
    //   oldest one has waited `flushIntervalMs`, or close() started — and re-checks after every wake;
    // - writes up to `maxBatch` metrics as lines with ONE `sink.appendAndSync` call (one fsync);
    // - on an error: count it, call `onError`, retry after `retryDelayMs` (doubling), and after
    //   `maxAttempts` give up WITHOUT forgetting the batch (WriterFailedError says how many are lost).
    todo(2, 'AsyncWriter.close', `${LESSON}#check-drain`);
  }

  stats(): AsyncWriterStats {
    // TODO(phase-2): report your counters (tests read them).
    return todo(2, 'AsyncWriter.stats', `${LESSON}#check-write-errors`);
  }
}
