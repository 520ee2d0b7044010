import { describe, expect, it } from 'vitest';
import type { Metric } from '../starter/src/ingest/metric.ts';
import { MetricQueue } from '../starter/src/queue/metric-queue.ts';
import { SeriesStore } from '../starter/src/storage/series-store.ts';
import { StorageConsumer } from '../starter/src/storage/storage-consumer.ts';
import type { MetricWriter } from '../starter/src/storage/writer.ts';

// With a writer that takes many batches at once (the finished service's writer thread), each turn of
// the event loop hands over what it queued, in order, without waiting for the previous answer.
const metric = (value: number): Metric => ({ name: 'm', value, timestamp: 1_000 + value, tags: {}, client: 'c' });

class ManualWriter implements MetricWriter {
  readonly calls: { values: number[][]; answer: (outcomes: (Error | undefined)[]) => void }[] = [];
  write(): Promise<void> {
    throw new Error('the consumer must use writeAll when the writer has it');
  }
  writeAll(batches: readonly Metric[][]): Promise<(Error | undefined)[]> {
    return new Promise((answer) => this.calls.push({ values: batches.map((b) => b.map((m) => m.value)), answer }));
  }
  async close(): Promise<void> {}
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('StorageConsumer with a writeAll writer', () => {
  it('hands over each turn in order without waiting, settles each batch by its own outcome, stores only what was taken', async () => {
    const queue = new MetricQueue();
    const writer = new ManualWriter();
    const store = new SeriesStore();
    const consumer = new StorageConsumer(queue, writer, store);

    const a = queue.push([metric(1)]);
    const b = queue.push([metric(2), metric(3)]);
    void consumer.drain();
    void consumer.drain(); // one hand-over per turn, however many requests asked
    await nextTurn();
    const c = queue.push([metric(4)]);
    const lastDrain = consumer.drain();
    await nextTurn();
    expect(writer.calls.map((call) => call.values)).toEqual([[[1], [2, 3]], [[4]]]); // the second before the first was answered

    let drained = false;
    void lastDrain.then(() => (drained = true));
    writer.calls[1]!.answer([undefined]);
    await c;
    await nextTurn();
    expect(drained).toBe(false); // a drain also waits for every earlier hand-over

    writer.calls[0]!.answer([undefined, new Error('refused')]);
    await a;
    await expect(b).rejects.toThrow('refused');
    await lastDrain;
    expect(store.select('m', {}, -Infinity, Infinity).flatMap((s) => s.points.map((p) => p.value)).sort()).toEqual([1, 4]);
  });

  it('answers every batch of a hand-over with the error when the writer cannot be reached at all', async () => {
    const queue = new MetricQueue();
    const unreachable: MetricWriter = {
      write: () => Promise.reject(new Error('unused')),
      writeAll: () => Promise.reject(new Error('the writer thread exited')),
      close: async () => {},
    };
    const consumer = new StorageConsumer(queue, unreachable, new SeriesStore());
    const a = queue.push([metric(1)]);
    const b = queue.push([metric(2)]);
    await consumer.drain();
    await expect(a).rejects.toThrow('exited');
    await expect(b).rejects.toThrow('exited');
  });
});
