import type { Config } from '../config.ts';
import { AsyncWriter } from './async-writer.ts';
import type { AsyncWriterOptions } from './async-writer-options.ts';
import { withDiskLatency } from './disk-latency.ts';
import { FileSink } from './write-sink.ts';

type WriterConfig = Pick<Config, 'dataFile' | 'diskLatencyMs' | 'queueMax' | 'flushIntervalMs'>;

/**
 * The finished service lets one batch (one append + one fsync) take up to this many metrics; phase 2
 * keeps the writer's default of 1,000. The writer's loop gets one turn per append and per fsync,
 * and under load an event-loop turn brings more than 1,000 metrics: with 100-metric requests over 50
 * connections, 1,000 let the queue fill and refuse 6,300–6,900 of ~7,400 requests with 503 in 4 s
 * (~48 k metrics/s stored); 10,000 still refused 1,200–1,700; 50,000 none (130–144 k metrics/s).
 * fsync itself is cheap here (~0.4 ms for 80 KB): the cost per batch is encoding its lines.
 */
export const FINAL_WRITER_MAX_BATCH = 50_000;

/** Phase 2's writer as the service runs it: the data file (slowed by --disk-latency-ms), the queue flags, errors logged. */
export function createAsyncWriter(config: WriterConfig, log: (line: string) => void, tuning: Partial<AsyncWriterOptions> = {}): AsyncWriter {
  return new AsyncWriter(withDiskLatency(new FileSink(config.dataFile), config.diskLatencyMs), {
    ...tuning,
    maxQueue: config.queueMax,
    flushIntervalMs: config.flushIntervalMs,
    onError: (err, attempt) => log(`storage: write attempt ${attempt} failed: ${err.message}`),
  });
}
