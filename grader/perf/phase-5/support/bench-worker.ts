import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { Ring, RingModule, RingRecord } from '../../../tests/phase-5/support/ring-api.ts';
import { B, type BenchData, type BenchResult } from './bench-protocol.ts';
import { MutexQueue, type MutexModule } from './mutex-queue.ts';

/**
 * One side (producer or consumer) of a phase-5 throughput or latency measurement. Every transport
 * moves the same records: {seriesId, seq, value, timestamp}; the consumer checks the sequence so
 * a fast but wrong transport cannot win.
 */
const d = workerData as BenchData;
const ctl = new Int32Array(d.control);
const port = d.port as MessagePort | undefined;
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

const ring: Ring | null = d.ringBuffer ? ((await import(pathToFileURL(d.ringModule!).href)) as RingModule).SpscRing.attach(d.ringBuffer) : null;
const queue = d.mutexBuffers
  ? new MutexQueue((await import(pathToFileURL(d.mutexModule!).href)) as MutexModule, d.mutexBuffers, d.role === 'producer' ? 1 : 2)
  : null;

Atomics.add(ctl, B.ready, 1);
while (Atomics.load(ctl, B.go) === 0) Atomics.wait(ctl, B.go, 0, 50);

const pause = (fails: number): void => {
  if (fails > d.spinsBeforeNap) Atomics.wait(ctl, B.nap, 0, 0.05);
};

if (d.role === 'producer') produce();
else consume();

function produce(): void {
  const r: RingRecord = { seriesId: 7, seq: 0, value: 0, timestamp: 0 };
  const batch = d.batch;
  const records: RingRecord[] = Array.from({ length: batch }, () => ({ seriesId: 7, seq: 0, value: 0, timestamp: 0 }));
  const f64 = new Float64Array(batch * 4);
  let maxBacklog = 0;
  let refused = 0;
  let nextDue = nowUs();
  for (let i = 0; i < d.count; i += batch) {
    if (d.intervalUs > 0) {
      // paced producer, sleeping (not spinning) between records so it leaves the CPU to the consumer
      nextDue += d.intervalUs;
      const ahead = nextDue - nowUs();
      if (ahead > 0) Atomics.wait(ctl, B.nap, 0, ahead / 1000);
    }
    const n = Math.min(batch, d.count - i);
    const stamp = d.intervalUs > 0 ? nowUs() : 0;
    if (d.transport === 'post') {
      if (batch === 1) port!.postMessage({ seriesId: 7, seq: i, value: i * 0.5, timestamp: stamp });
      else {
        for (let j = 0; j < n; j++) f64.set([7, i + j, (i + j) * 0.5, stamp], j * 4);
        port!.postMessage(n === batch ? f64 : f64.subarray(0, n * 4));
      }
    } else if (batch === 1) {
      r.seq = i;
      r.value = i * 0.5;
      r.timestamp = stamp;
      if (ring) for (let fails = 1; !ring.tryPush(r); fails++) (refused++, pause(fails));
      else for (let fails = 1; !queue!.tryPush(r); fails++) (refused++, pause(fails));
    } else {
      for (let j = 0; j < n; j++) Object.assign(records[j]!, { seq: i + j, value: (i + j) * 0.5, timestamp: stamp });
      let sent = ring!.pushBatch(records, 0, n);
      for (let fails = 1; sent < n; fails++) (refused++, pause(fails), (sent += ring!.pushBatch(records, sent, n - sent)));
    }
    if ((i & 1023) < batch) {
      Atomics.store(ctl, B.produced, i + n);
      maxBacklog = Math.max(maxBacklog, i + n - Atomics.load(ctl, B.consumed));
    }
  }
  Atomics.store(ctl, B.produced, d.count);
  parentPort!.postMessage({ role: 'producer', maxBacklog, refused } satisfies Partial<BenchResult>);
}

function consume(): void {
  const started = performance.now();
  const latencies: number[] = [];
  let received = 0;
  let outOfOrder = 0;
  const take = (seq: number, stamp: number): void => {
    if (seq !== received) outOfOrder++;
    received++;
    if (stamp > 0) latencies.push(nowUs() - stamp);
    if ((received & 1023) === 0) Atomics.store(ctl, B.consumed, received);
  };
  const finish = (): void => {
    Atomics.store(ctl, B.consumed, received);
    parentPort!.postMessage({ role: 'consumer', elapsedMs: performance.now() - started, received, outOfOrder, latencies } satisfies Partial<BenchResult>);
  };
  if (d.transport === 'post') {
    port!.on('message', (m: { seq: number; timestamp: number } | Float64Array) => {
      if (m instanceof Float64Array) for (let j = 0; j < m.length; j += 4) take(m[j + 1]!, m[j + 3]!);
      else take(m.seq, m.timestamp);
      if (received >= d.count) {
        port!.close();
        finish();
      }
    });
    return;
  }
  const out: RingRecord[] = Array.from({ length: Math.max(1, d.batch) }, () => ({ seriesId: 0, seq: 0, value: 0, timestamp: 0 }));
  let fails = 0;
  while (received < d.count) {
    let n = 0;
    if (d.batch > 1) n = ring!.popBatch(out, d.batch);
    else if (ring ? ring.tryPop(out[0]!) : queue!.tryPop(out[0]!)) n = 1;
    for (let j = 0; j < n; j++) take(out[j]!.seq, out[j]!.timestamp);
    if (n > 0) fails = 0;
    else pause(++fails);
  }
  finish();
}
