import type { Config } from '../config.ts';
import { AsyncWriter } from './async-writer.ts';
import { withDiskLatency } from './disk-latency.ts';
import { FileSink } from './write-sink.ts';

export type WriterConfig = Pick<Config, 'dataFile' | 'diskLatencyMs' | 'queueMax' | 'flushIntervalMs'>;

/** Phase 2's writer as the service runs it: the data file (slowed by --disk-latency-ms), the queue flags, errors logged. */
export function createAsyncWriter(config: WriterConfig, log: (line: string) => void): AsyncWriter {
  return new AsyncWriter(withDiskLatency(new FileSink(config.dataFile), config.diskLatencyMs), {
    maxQueue: config.queueMax,
    flushIntervalMs: config.flushIntervalMs,
    onError: (err, attempt) => log(`storage: write attempt ${attempt} failed: ${err.message}`),
  });
}
