// Level 7 · provided: read it, don't change it.
import type { Metric } from '../ingest/metric.ts';
import { packMetrics } from '../ingest/packed-metrics.ts';
import type { MetricWriter } from './writer.ts';
import { writerErrorFromWire, type FromWriterThread, type ToWriterThread, type WriterThreadData } from './writer-thread-protocol.ts';
import { WriterClosedError } from './writer-errors.ts';
import { WriterThreadHost } from './writer-thread-host.ts';

interface Group {
  resolve: (outcomes: (Error | undefined)[]) => void;
  count: number;
}

/**
 * The finished service's writer: phase 2's AsyncWriter running on a thread of its own
 * (writer-thread.ts). write() resolves or rejects exactly as that writer's write() did there
 * (taken, or a 503-worthy QueueFullError), so a 200 still means the writer took the batch.
 * The storage consumer hands over every batch it took with one writeAll: one packed message.
 *
 * Why a thread: under 100-metric requests the writer's work on the event loop (a log line per
 * metric, the text turned into bytes, the loop and its promises) held it back by about a third;
 * here that work runs on the second core. The price is a round trip between threads before each
 * answer (docs/performance.md measures both).
 */
export class ThreadedWriter implements MetricWriter {
  private readonly host: WriterThreadHost<ToWriterThread, FromWriterThread>;
  private readonly inFlight = new Map<number, Group>();
  private nextId = 1;

  constructor(data: WriterThreadData, log: (line: string) => void) {
    this.host = new WriterThreadHost<ToWriterThread, FromWriterThread>(
      new URL('./writer-thread.ts', import.meta.url),
      data,
      log,
      (msg) => {
        if (msg.type === 'written') this.settle(msg.id, msg.outcomes);
      },
      (err) => {
        for (const group of this.inFlight.values()) group.resolve(Array.from({ length: group.count }, () => err));
        this.inFlight.clear();
      },
    );
  }

  async write(batch: Metric[]): Promise<void> {
    const [err] = await this.writeAll([batch]);
    if (err) throw err;
  }

  writeAll(batches: readonly Metric[][]): Promise<(Error | undefined)[]> {
    const { dead } = this.host;
    if (dead) return Promise.resolve(batches.map(() => dead));
    if (this.host.isClosing) return Promise.resolve(batches.map(() => new WriterClosedError()));
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.inFlight.set(id, { resolve, count: batches.length });
      this.host.post({ type: 'write', id, packed: packMetrics(batches), counts: batches.map((b) => b.length) });
    });
  }

  close(): Promise<void> {
    return this.host.close({ type: 'close' });
  }

  private settle(id: number, outcomes: Extract<FromWriterThread, { type: 'written' }>['outcomes']): void {
    const group = this.inFlight.get(id);
    if (!group) return;
    this.inFlight.delete(id);
    group.resolve(Array.from({ length: group.count }, (_, i) => {
      const o = outcomes[i];
      return o === undefined ? new Error('the writer thread gave no answer for a batch') : o.ok ? undefined : writerErrorFromWire(o.error);
    }));
  }
}
