// Level 7 · provided: read it, don't change it.
import { parentPort, workerData } from 'node:worker_threads';
import type { Metric } from '../ingest/metric.ts';
import { SpscRing, TAIL, type MetricRecord } from '../sync/spsc-ring.ts';
import { createAsyncWriter } from './create-writer.ts';
import { FAILED, SLEEPING, type FromRingThread, type RingThreadData, type SeriesDefinition, type ToRingThread } from './ring-protocol.ts';
import { writerErrorToWire } from './writer-thread-protocol.ts';

/**
 * Entry of the RingWriter's thread: the consumer side of phase 5's ring. It sleeps on the ring's
 * tail index (Atomics.waitAsync, so its own event loop keeps running phase 2's AsyncWriter), pops
 * what was published, and hands it to the writer while the writer has room; when it has none, the
 * records stay in the ring and the event loop's next batch is refused with a 503.
 *
 * It is lazy on purpose: requests are answered when their records are in the ring, not when this
 * thread takes them, so after each hand-over it lets the ring fill for a moment instead of waking
 * for every request (each wake-up costs CPU the event loop shares on a small machine).
 */
/** How long the thread lets records gather after a hand-over (the writer batches to disk far slower). */
const GATHER_MS = 2;
/**
 * Group commit: the writer takes whatever gathered as soon as its previous append + fsync is done
 * (flush interval 0), up to 16,384 metrics (~2.5 MB of lines) per fsync. With phase 2's defaults
 * (1,000 per fsync, or after 100 ms) the fsyncs were this thread's limit: at 100 metrics/request it
 * kept up with about 375k metrics/s while the event loop accepted 550k, and a `?ack=durable` request
 * waited for the 100 ms timer once batches grew (bench/profile.ts --inclusive, bench runs in
 * docs/performance.md). The thread hands records over at most once per GATHER_MS, so however many
 * requests arrive, that is at most one fsync per GATHER_MS.
 * A shorter wait than --flush-interval-ms never breaks that flag's promise (the longest a metric waits).
 */
const TUNING = { maxBatch: 16_384, flushIntervalMs: 0 };
const port = parentPort;
if (!port) throw new Error('ring-writer-thread.ts must run in a worker thread started by RingWriter');
const data = workerData as RingThreadData;
const send = (msg: FromRingThread): void => port.postMessage(msg);
const writer = createAsyncWriter(data, (line) => send({ type: 'log', line }), TUNING);
const ring = SpscRing.attach(data.ring);
const ctrl = new Int32Array(data.ring, 0, TAIL + 1);
const status = new Int32Array(data.status);
const written = new BigInt64Array(data.written);
/** Tell the event loop how far the disk has got (a `?ack=durable` request waits for it). */
const publishWritten = (): void => {
  Atomics.store(written, 0, BigInt(writer.stats().written));
};

// Atomics.waitAsync is in Node since 16, but TypeScript types it only in lib es2024, which also types APIs Node 20 lacks.
type WaitAsync = (view: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

const series: SeriesDefinition[] = [];
/** Records popped whose series message has not arrived yet (it was posted first, but a message and a wake-up race). */
let early: MetricRecord[] = [];
const popped: MetricRecord[] = [];
let closing = false;
let failed = false;
let nudge: (() => void) | undefined;
const nudged = (): Promise<void> => new Promise((resolve) => (nudge = resolve));

port.on('message', (msg: ToRingThread) => {
  // Frozen tags are encoded once per series, not once per metric (ingest/tags-json.ts).
  if (msg.type === 'series') series[msg.series.id] = { ...msg.series, tags: Object.freeze(msg.series.tags) };
  else closing = true;
  nudge?.();
});

/** Hand records to the writer, in order; stop at the first whose series is not known yet. */
function hand(records: MetricRecord[]): MetricRecord[] {
  const batch: Metric[] = [];
  let i = 0;
  for (; i < records.length; i++) {
    const r = records[i]!;
    const s = series[r.seriesId];
    if (!s) break;
    batch.push({ name: s.name, tags: s.tags, client: s.client, value: r.value, timestamp: r.timestamp });
  }
  if (batch.length > 0 && !failed) {
    writer.write(batch).catch((err: unknown) => {
      if (failed) return;
      failed = true;
      Atomics.store(status, FAILED, 1);
      send({ type: 'failed', error: writerErrorToWire(err) });
    });
  }
  return records.slice(i).map((r) => ({ ...r }));
}

async function consume(): Promise<void> {
  for (;;) {
    publishWritten();
    if (early.length > 0) early = hand(early);
    const room = data.queueMax - writer.stats().pending;
    if (early.length === 0 && room > 0 && !ring.isEmpty()) {
      const n = ring.popBatch(popped, room);
      early = hand(n === popped.length ? popped : popped.slice(0, n));
      await new Promise((resolve) => setTimeout(resolve, GATHER_MS)); // the writer's loop runs meanwhile
      continue;
    }
    if (closing && ring.isEmpty() && early.length === 0) return;
    if (early.length > 0) await nudged(); // its series' message is on the way
    else if (!ring.isEmpty()) await new Promise((resolve) => setTimeout(resolve, 1)); // the writer is full: wait for it
    else if (writer.stats().pending > 0) await Promise.race([new Promise((resolve) => setTimeout(resolve, GATHER_MS)), nudged()]); // still writing: keep publishing
    else {
      Atomics.store(status, SLEEPING, 1);
      const tail = Atomics.load(ctrl, TAIL);
      if (ring.isEmpty()) {
        const wait = waitAsync(ctrl, TAIL, tail);
        if (wait.async) await Promise.race([wait.value, nudged()]);
      }
      Atomics.store(status, SLEEPING, 0);
    }
  }
}

consume()
  .then(() => writer.close())
  .then(
    () => send({ type: 'closed' }),
    (err: unknown) => send({ type: 'closed', error: writerErrorToWire(err) }),
  );
