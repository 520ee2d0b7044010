// Level 2 · provided: read it, don't change it.
import type { Config } from '../config.ts';
import { AsyncWriter } from './async-writer.ts';
import type { AsyncWriterOptions } from './async-writer-options.ts';
import { FileSink, type WriteSink } from './write-sink.ts';

export type WriterConfig = Pick<Config, 'dataFile' | 'diskLatencyMs' | 'queueMax' | 'flushIntervalMs'>;

/**
 * Phase 2's writer as the service runs it: the data file (slowed by --disk-latency-ms), the queue
 * flags, errors logged. `tuning` overrides phase 2's batch size and flush interval for a caller that
 * feeds the writer in its own way (the ring's writer thread).
 */
export function createAsyncWriter(config: WriterConfig, log: (line: string) => void, tuning: Partial<Pick<AsyncWriterOptions, 'maxBatch' | 'flushIntervalMs'>> = {}): AsyncWriter {
  return new AsyncWriter(withDiskLatency(new FileSink(config.dataFile), config.diskLatencyMs), {
    maxQueue: config.queueMax,
    flushIntervalMs: config.flushIntervalMs,
    onError: (err, attempt) => log(`storage: write attempt ${attempt} failed: ${err.message}`),
    ...tuning,
  });
}

/** The --disk-latency-ms knob for the AsyncWriter: the delay is awaited, so the event loop keeps serving, as with a real fsync in libuv's thread pool. */
export function withDiskLatency(sink: WriteSink, ms: number): WriteSink {
  if (ms <= 0) return sink;
  return {
    async appendAndSync(data) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      await sink.appendAndSync(data);
    },
    close: () => sink.close(),
  };
}
