import { pathToFileURL } from 'node:url';
import { watchedThread, type WatchedThread } from '../../../src/harness/watched-thread.ts';
import { rng } from '../../../src/harness/random.ts';
import { CTL, PROGRESS_EVERY, backoff } from './control.ts';
import { describeMismatch, expectedRecord, newRecord, sameRecord } from './records.ts';
import type { Ring, RingModule, RingRecord } from './ring-api.ts';
import { installIndexWatch } from './index-watch.ts';
import { runScenario } from './scenarios.ts';

/**
 * Worker entry of the phase-5 tests, run under the shared watchdog: the learner's ring only ever
 * runs here, never on the test's main thread. Roles: `producer` / `consumer` of a seeded record
 * stream, or `scenario` (a single-threaded edge case that throws on the first wrong answer).
 */
export interface RoleData {
  role: 'producer' | 'consumer' | 'scenario';
  modulePath: string;
  /** The ring's memory, laid out by the test (support/ring-layout.ts); both sides attach to it. */
  ring?: SharedArrayBuffer;
  ctl?: Int32Array;
  count?: number;
  seed?: number;
  /** Batch variants (pushBatch / popBatch with seeded sizes) instead of one record at a time. */
  batch?: boolean;
  /** Busy work between two pushes, so the consumer waits on an empty ring and reads each slot right after its index moves. */
  producerPause?: number;
  scenario?: string;
}

/** What a consumer reports when the stream ends. */
export interface ConsumerReport {
  received: number;
  mismatches: number;
  firstMismatch: string | null;
}

const t = watchedThread<RoleData>();
const data = t.data;
if (data.role === 'scenario') installIndexWatch();
const mod = (await import(pathToFileURL(data.modulePath).href)) as RingModule;

if (data.role === 'scenario') {
  t.start();
  runScenario(data.scenario!, mod);
  t.finish(null);
} else {
  const ring = mod.SpscRing.attach(data.ring!);
  t.start();
  if (data.role === 'producer') {
    produce(t, ring, data.ctl!, data.count!, data.seed!, data.batch === true, data.producerPause ?? 0);
    t.finish(null);
  } else {
    t.finish(consume(t, ring, data.ctl!, data.count!, data.seed!, data.batch === true));
  }
}

function produce(t: WatchedThread<RoleData>, ring: Ring, ctl: Int32Array, count: number, seed: number, batch: boolean, pause: number): void {
  if (!batch) {
    const r = newRecord();
    let sink = 0;
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < pause; k++) sink = (sink + Math.imul(k, i)) | 0;
      expectedRecord(seed, i, r);
      // full: wait for the consumer to free a slot (the watchdog ends a stall)
      for (let fails = 1; !ring.tryPush(r); fails++) backoff(ctl, fails);
      if ((i & (PROGRESS_EVERY - 1)) === 0) t.tick();
    }
    if (sink === 42) Atomics.add(ctl, CTL.nap, 0); // keeps the pause loop from being optimised away
  } else {
    const sizes = rng(seed ^ 0x5bd1e995);
    const buf: RingRecord[] = Array.from({ length: 64 }, newRecord);
    for (let i = 0; i < count; ) {
      const n = Math.min(count - i, 1 + Math.floor(sizes() * 64));
      for (let j = 0; j < n; j++) expectedRecord(seed, i + j, buf[j]!);
      let sent = ring.pushBatch(buf, 0, n);
      for (let fails = 1; sent < n; fails++) {
        backoff(ctl, fails);
        sent += ring.pushBatch(buf, sent, n - sent);
      }
      if (((i + n) & ~(PROGRESS_EVERY - 1)) !== (i & ~(PROGRESS_EVERY - 1))) t.tick();
      i += n;
    }
  }
  Atomics.store(ctl, CTL.producerDone, 1);
}

function consume(t: WatchedThread<RoleData>, ring: Ring, ctl: Int32Array, count: number, seed: number, batch: boolean): ConsumerReport {
  const want = newRecord();
  let received = 0;
  let mismatches = 0;
  let firstMismatch: string | null = null;
  const check = (got: RingRecord): void => {
    expectedRecord(seed, received, want);
    if (!sameRecord(got, want)) {
      mismatches++;
      firstMismatch ??= describeMismatch(received, got, want);
    }
    received++;
    if ((received & (PROGRESS_EVERY - 1)) === 0) t.tick();
  };
  const sizes = rng(seed ^ 0x27d4eb2f);
  const out: RingRecord[] = Array.from({ length: 64 }, newRecord);
  // Stop at `count` records, or when the producer is done and the ring stays empty (records lost).
  // A wrong ring can also hand out more records than were pushed: never read past count + capacity.
  let fails = 0;
  while (received < count + ring.capacity) {
    let got = 0;
    if (batch) {
      got = ring.popBatch(out, 1 + Math.floor(sizes() * 64));
      for (let j = 0; j < got; j++) check(out[j]!);
    } else if (ring.tryPop(out[0]!)) {
      check(out[0]!);
      got = 1;
    }
    if (got > 0) {
      fails = 0;
      continue;
    }
    if (Atomics.load(ctl, CTL.producerDone) === 1 && (ring.isEmpty() || received >= count)) break;
    backoff(ctl, ++fails);
  }
  return { received, mismatches, firstMismatch };
}
