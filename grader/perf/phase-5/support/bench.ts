import { MessageChannel, type Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { createWorker } from '../../../../starter/src/lib/ts-worker.ts';
import { percentile } from '../../../src/harness/load.ts';
import { targetFile } from '../../../src/harness/target.ts';
import { layoutRing } from '../../../tests/phase-5/support/ring-layout.ts';
import { RING_FILE } from '../../../tests/phase-5/support/ring-api.ts';
import { B, type BenchData, type BenchResult, type Transport } from './bench-protocol.ts';
import { MutexQueue, type MutexModule } from './mutex-queue.ts';

const WORKER = new URL('./bench-worker.ts', import.meta.url);
export const MUTEX_FILE = 'src/sync/mutex.ts';

export interface BenchOptions {
  transport: Transport;
  count: number;
  batch?: number;
  capacity?: number;
  intervalUs?: number;
  /** Failed pops/pushes before a 50 µs nap; Infinity = a consumer that only spins. Default 64. */
  spinsBeforeNap?: number;
  deadlineMs?: number;
}

export interface BenchOutcome {
  itemsPerSec: number;
  maxBacklog: number;
  refused: number;
  p50Us: number;
  p99Us: number;
}

/**
 * Move `count` records from a producer worker to a consumer worker over one transport and time
 * it on the consumer (from the common start to the last record). Bounded: past `deadlineMs` both
 * workers are terminated and the run fails with "deadlock suspected".
 */
export async function bench(opts: BenchOptions): Promise<BenchOutcome> {
  const control = new SharedArrayBuffer(B.length * 4);
  const ctl = new Int32Array(control);
  const base: Omit<BenchData, 'role'> = {
    transport: opts.transport,
    control,
    count: opts.count,
    batch: opts.batch ?? 1,
    intervalUs: opts.intervalUs ?? 0,
    spinsBeforeNap: opts.spinsBeforeNap ?? 64,
  };
  if (opts.transport === 'ring') Object.assign(base, { ringModule: targetFile(RING_FILE), ringBuffer: layoutRing(opts.capacity ?? 1024, 0) });
  if (opts.transport === 'mutex') {
    const mutexModule = targetFile(MUTEX_FILE);
    const mod = (await import(pathToFileURL(mutexModule).href)) as MutexModule;
    Object.assign(base, { mutexModule, mutexBuffers: MutexQueue.create(mod, opts.capacity ?? 1024) });
  }
  const { port1, port2 } = new MessageChannel();
  const post = opts.transport === 'post';
  const producer = createWorker(WORKER, { workerData: { ...base, role: 'producer', port: post ? port1 : undefined }, transferList: post ? [port1] : [] });
  const consumer = createWorker(WORKER, { workerData: { ...base, role: 'consumer', port: post ? port2 : undefined }, transferList: post ? [port2] : [] });
  const workers: Worker[] = [producer, consumer];
  const results = workers.map(
    (w) =>
      new Promise<Partial<BenchResult>>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const where = Atomics.load(ctl, B.ready) < 2 ? 'the workers never both started' : `producer at ${Atomics.load(ctl, B.produced)}, consumer at ${Atomics.load(ctl, B.consumed)} of ${opts.count}`;
      reject(new Error(`deadlock suspected: ${opts.transport} run unfinished after ${opts.deadlineMs ?? 15_000} ms — ${where}`));
    }, opts.deadlineMs ?? 15_000);
  });
  const started = (async () => {
    while (Atomics.load(ctl, B.ready) < 2) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(ctl, B.go, 1);
    Atomics.notify(ctl, B.go);
    return Promise.all(results);
  })();
  try {
    const [p, c] = await Promise.race([started, deadline]);
    if (c!.received !== opts.count || c!.outOfOrder !== 0) {
      throw new Error(`${opts.transport} transport delivered ${c!.received} of ${opts.count} records, ${c!.outOfOrder} out of order: the measurement is void`);
    }
    const lat = [...(c!.latencies ?? [])].sort((a, b) => a - b);
    return {
      itemsPerSec: opts.count / (c!.elapsedMs! / 1000),
      maxBacklog: p!.maxBacklog!,
      refused: p!.refused ?? 0,
      p50Us: percentile(lat, 50),
      p99Us: percentile(lat, 99),
    };
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Best of `runs` measurements of one transport: the first run of fresh workers is cold, and a busy machine only ever slows a run down. */
export async function bestRate(opts: BenchOptions, runs: number): Promise<BenchOutcome> {
  let best: BenchOutcome | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await bench(opts);
    if (!best || r.itemsPerSec > best.itemsPerSec) best = r;
  }
  return best!;
}
