// Level 5 · test support: the graded tests or the lesson's experiments run it, the service does not.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createWorker } from '../lib/ts-worker.ts';

/**
 * Exercise 5.1, demo 2: publishing in the wrong order. A tiny one-value-per-slot ring, written
 * here in a few lines (not your SpscRing), moves the numbers 0..N-1 from one worker to another.
 *
 *   npx tsx starter/src/demos/publish-order.ts [count]
 *
 * "data-first" writes the slot, then Atomics.store(tail): the consumer can only ever read a
 * finished slot. "index-first" stores the tail first and writes the slot after: for a moment
 * the consumer may read the slot while it still holds the number from the previous lap.
 * See docs/phase-5-ring-buffer.md#exercise-51-memory-ordering.
 */
type Order = 'data-first' | 'index-first';
const CAPACITY = 4; // tiny on purpose: the consumer stays right behind the producer
const HEAD = 0;
const TAIL = 16; // a separate cache line from HEAD

interface Data {
  role: 'producer' | 'consumer';
  order: Order;
  count: number;
  idx: Int32Array;
  slots: Float64Array;
}

if (isMainThread) {
  const count = Number(process.argv[2] ?? 300_000);
  for (const order of ['data-first', 'index-first'] as Order[]) {
    const stale = await run(order, count);
    console.log(`${order.padEnd(11)}: ${stale} of ${count} values read before they were written${stale > 0 ? '  <- published too early' : ''}`);
  }
} else {
  const d = workerData as Data;
  parentPort!.postMessage(d.role === 'producer' ? produce(d) : consume(d));
}

function produce({ order, count, idx, slots }: Data): number {
  for (let i = 0; i < count; i++) {
    while (i - Atomics.load(idx, HEAD) >= CAPACITY) {
      // full: wait for the consumer
    }
    if (order === 'data-first') {
      slots[i & (CAPACITY - 1)] = i;
      Atomics.store(idx, TAIL, i + 1);
    } else {
      Atomics.store(idx, TAIL, i + 1);
      slots[i & (CAPACITY - 1)] = i;
    }
  }
  return 0;
}

function consume({ count, idx, slots }: Data): number {
  let stale = 0;
  for (let i = 0; i < count; i++) {
    while (Atomics.load(idx, TAIL) === i) {
      // empty: wait for the producer
    }
    if (slots[i & (CAPACITY - 1)] !== i) stale++;
    Atomics.store(idx, HEAD, i + 1);
  }
  return stale;
}

async function run(order: Order, count: number): Promise<number> {
  const idx = new Int32Array(new SharedArrayBuffer(32 * 4));
  const slots = new Float64Array(new SharedArrayBuffer(CAPACITY * 8)).fill(-1);
  const [, stale] = await Promise.all(
    (['producer', 'consumer'] as const).map((role) => {
      const w = createWorker(new URL(import.meta.url), { workerData: { role, order, count, idx, slots } satisfies Data });
      return new Promise<number>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      }).finally(() => w.terminate());
    }),
  );
  return stale!;
}
