import type { WriteSink } from './write-sink.ts';
import type { MetricWriter } from './writer.ts';

/**
 * The `--disk-latency-ms` test knob: a disk whose every fsync takes `ms` longer. Lets a laptop with
 * an SSD (or tmpfs) show what a busy or networked disk does to the service.
 */

/** For the AsyncWriter: the delay is awaited, so the event loop keeps serving, as with a real fsync in libuv's thread pool. */
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
    close: () => writer.close(),
  };
}
