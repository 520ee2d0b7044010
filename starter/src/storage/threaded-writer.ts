// Level 7 · provided: read it, don't change it.
import type { Worker } from 'node:worker_threads';
import type { Metric } from '../ingest/metric.ts';
import { packMetrics } from '../ingest/packed-metrics.ts';
import { createWorker } from '../lib/ts-worker.ts';
import type { MetricWriter } from './writer.ts';
import { writerErrorFromWire, type FromWriterThread, type ToWriterThread, type WriterThreadData } from './writer-thread-protocol.ts';
import { WriterClosedError } from './writer-errors.ts';

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
  private readonly worker: Worker;
  private readonly inFlight = new Map<number, Group>();
  private nextId = 1;
  private closing: Promise<void> | undefined;
  private onClosed: ((msg: Extract<FromWriterThread, { type: 'closed' }>) => void) | undefined;
  /** Set when the thread died: every later write is refused with it. */
  private dead: Error | undefined;

  constructor(
    data: WriterThreadData,
    private readonly log: (line: string) => void,
  ) {
    this.worker = createWorker(new URL('./writer-thread.ts', import.meta.url), { workerData: data });
    this.worker.on('message', (msg: FromWriterThread) => {
      if (msg.type === 'log') log(msg.line);
      else if (msg.type === 'written') this.settle(msg.id, msg.outcomes);
      else this.onClosed?.(msg);
    });
    this.worker.on('error', (err) => this.fail(new Error(`the writer thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`the writer thread exited (code ${code})`)));
  }

  async write(batch: Metric[]): Promise<void> {
    const [err] = await this.writeAll([batch]);
    if (err) throw err;
  }

  writeAll(batches: readonly Metric[][]): Promise<(Error | undefined)[]> {
    if (this.dead) return Promise.resolve(batches.map(() => this.dead));
    if (this.closing) return Promise.resolve(batches.map(() => new WriterClosedError()));
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.inFlight.set(id, { resolve, count: batches.length });
      this.post({ type: 'write', id, packed: packMetrics(batches), counts: batches.map((b) => b.length) });
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      this.onClosed = (msg) => {
        this.onClosed = undefined;
        void this.worker.terminate();
        if (msg.error) reject(writerErrorFromWire(msg.error));
        else resolve();
      };
      this.post({ type: 'close' }); // after every write posted so far: messages keep their order
    });
    return this.closing;
  }

  private post(msg: ToWriterThread): void {
    this.worker.postMessage(msg);
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

  private fail(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    if (!this.closing) this.log(`storage: ${err.message}; every write from now on is refused`);
    for (const group of this.inFlight.values()) group.resolve(Array.from({ length: group.count }, () => err));
    this.inFlight.clear();
    this.onClosed?.({ type: 'closed', error: { name: err.name, message: err.message } });
  }
}
