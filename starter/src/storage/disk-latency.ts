// Level 0 · provided: read it, don't change it.
import type { MetricWriter } from './writer.ts';

/**
 * The `--disk-latency-ms` test knob: a disk whose every fsync takes `ms` longer. Lets a laptop with
 * an SSD (or tmpfs) show what a busy or networked disk does to the service. (Phase 2's writer has its
 * own, awaited version: storage/create-writer.ts.)
 */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** For the synchronous writer: the whole thread stops for `ms`, as in fsyncSync on a slow disk. */
export function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** The knob on a synchronous writer: each write first blocks the thread for `ms`. */
export function withBlockingDiskLatency(writer: MetricWriter, ms: number): MetricWriter {
  if (ms <= 0) return writer;
  return {
    write(batch) {
      if (batch.length > 0) blockFor(ms);
      return writer.write(batch);
    },
    ...(writer.durable ? { durable: () => writer.durable!() } : {}),
    close: () => writer.close(),
  };
}
