// Level 7 · provided: read it, don't change it.
import { parentPort, workerData } from 'node:worker_threads';
import type { Metric } from '../ingest/metric.ts';
import { unpackMetrics } from '../ingest/packed-metrics.ts';
import { createAsyncWriter } from './create-writer.ts';
import { writerErrorToWire, type BatchOutcome, type FromWriterThread, type ToWriterThread, type WriterThreadData } from './writer-thread-protocol.ts';

/**
 * Entry of the finished service's writer thread: phase 2's AsyncWriter, unchanged, on a thread of
 * its own, so encoding the log lines and handing them to the disk run beside the event loop.
 */
const port = parentPort;
if (!port) throw new Error('writer-thread.ts must run in a worker thread started by ThreadedWriter');
const send = (msg: FromWriterThread): void => port.postMessage(msg);
// Phase 2's defaults (1,000 metrics per append + fsync): on its own thread the writer's loop gets a
// turn whenever it needs one, so a batch need not grow with the load to keep up (docs/performance.md).
const writer = createAsyncWriter(workerData as WriterThreadData, (line) => send({ type: 'log', line }));

port.on('message', (msg: ToWriterThread) => {
  if (msg.type === 'close') {
    writer.close().then(
      () => send({ type: 'closed' }),
      (err: unknown) => send({ type: 'closed', error: writerErrorToWire(err) }),
    );
    return;
  }
  const metrics = unpackMetrics(msg.packed);
  let from = 0;
  // write() takes each batch in call order (its checks run before its first await), so order holds.
  const outcomes = msg.counts.map((count) => {
    const batch = metrics.slice(from, (from += count));
    return taken(batch).then(
      (): BatchOutcome => ({ ok: true }),
      (err: unknown): BatchOutcome => ({ ok: false, error: writerErrorToWire(err) }),
    );
  });
  void Promise.all(outcomes).then((o) => send({ type: 'written', id: msg.id, outcomes: o }));
});

/** write() as a promise even if it throws before returning one: a refusal, never a dead thread. */
function taken(batch: Metric[]): Promise<void> {
  try {
    return writer.write(batch);
  } catch (err) {
    return Promise.reject(err);
  }
}
