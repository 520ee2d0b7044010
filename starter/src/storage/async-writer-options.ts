// Level 2 · provided: read it, don't change it.
/** Settings and counters of the AsyncWriter (./async-writer.ts), kept apart so they are given, not part of the exercise. */
export interface AsyncWriterOptions {
  /** Most metrics held in memory (queued or being written); past it write() refuses: backpressure. */
  maxQueue: number;
  /** A batch is written as soon as this many metrics wait, and never holds more. */
  maxBatch: number;
  /** Longest a metric waits in the queue before its batch is written, even a batch of one. */
  flushIntervalMs: number;
  /** Attempts per batch before the writer gives up (1 = no retry). */
  maxAttempts: number;
  /** Pause before the first retry; it doubles for each further one. */
  retryDelayMs: number;
  /** Told about every failed append or fsync, so it is seen (the service logs it). */
  onError?: (err: Error, attempt: number) => void;
}

export const DEFAULT_ASYNC_WRITER_OPTIONS: AsyncWriterOptions = {
  maxQueue: 100_000,
  maxBatch: 1_000,
  flushIntervalMs: 100,
  maxAttempts: 5,
  retryDelayMs: 50,
};

/** Counters a test or /health can read. */
export interface AsyncWriterStats {
  /** Accepted and not yet durable: queued plus the batch being written. `maxQueue` bounds it. */
  pending: number;
  /** Metrics appended and fsync'ed. */
  written: number;
  /** Batches written, i.e. fsyncs that succeeded. */
  batches: number;
  /** Metrics refused by write() because the queue was full. */
  refused: number;
  /** Failed append or fsync attempts (each retry that fails counts). */
  writeErrors: number;
}

/** Defaults merged with `options`, checked; the message names the bad option. */
export function resolveAsyncWriterOptions(options: Partial<AsyncWriterOptions>): AsyncWriterOptions {
  const o = { ...DEFAULT_ASYNC_WRITER_OPTIONS, ...options };
  for (const key of ['maxQueue', 'maxBatch', 'maxAttempts'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new RangeError(`options.${key} must be a positive integer`);
  }
  for (const key of ['flushIntervalMs', 'retryDelayMs'] as const) {
    if (!Number.isFinite(o[key]) || o[key] < 0) throw new RangeError(`options.${key} must be a non-negative number`);
  }
  return o;
}
