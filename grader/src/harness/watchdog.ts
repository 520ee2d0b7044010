import type { Worker } from 'node:worker_threads';
import { createWorker } from '../../../starter/src/lib/ts-worker.ts';
import { GO, PROGRESS, READY, STOP, type WatchedWorkerData } from './watched-thread.ts';

/**
 * The watchdog every graded concurrency test runs its threads under, so that the grader never hangs.
 *
 * `runWatched()` starts one worker per thread spec, releases them together through a start barrier
 * in shared memory, and polls a progress counter per thread (the worker side is watched-thread.ts).
 * It ends in exactly one of three ways:
 *  - every thread posted its result            -> the results, in thread order;
 *  - a thread threw                            -> every worker is terminated, that error is rethrown;
 *  - a thread stopped ticking for `stallMs`, or the run passed `deadlineMs`
 *                                              -> `describe()` is snapshotted, every worker is
 *    terminated (a worker blocked in Atomics.wait ends in a few ms), and a DeadlockSuspectedError
 *    says which threads were stuck, for how long, and what they were blocked on.
 * Bounded-time runs (`runMs`) raise a stop flag the threads poll with `shouldStop()`.
 */

export interface WatchedThreadSpec<D> {
  /** Short name used in reports, e.g. `w1`, `flusher`. */
  name: string;
  /** This thread's part of the test (structured-cloneable; SharedArrayBuffers are shared). */
  data: D;
  /** This thread's worker fixture, when threads play different roles; default `WatchOptions.entry`. */
  entry?: URL;
}

export interface WatchOptions<D> {
  /** The worker fixture of every thread (a .ts module that uses watchedThread()), unless a spec names its own. */
  entry?: URL;
  threads: WatchedThreadSpec<D>[];
  /** Raise the stop flag this long after the start (bounded-time load). Absent: threads end on their own. */
  runMs?: number;
  /** A running thread whose counter has not moved for this long is stuck. Default 1000 ms. */
  stallMs?: number;
  /** Hard limit on the run after the start barrier. Default 10 s. */
  deadlineMs?: number;
  /** Limit for all workers to load and reach the start barrier. Default 15 s. */
  startupMs?: number;
  pollMs?: number;
  /** What the stuck threads were blocked on, read from shared memory at the moment of the stall. */
  describe?: () => string;
}

export interface WatchedRun<R> {
  results: R[];
  /** Final progress counter of every thread. */
  progress: number[];
  elapsedMs: number;
}

export class DeadlockSuspectedError extends Error {
  override readonly name = 'DeadlockSuspectedError';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function runWatched<R, D>(opts: WatchOptions<D>): Promise<WatchedRun<R>> {
  const n = opts.threads.length;
  if (n === 0) throw new Error('runWatched needs at least one thread');
  const stallMs = opts.stallMs ?? 1000;
  const deadlineMs = opts.deadlineMs ?? 10_000;
  const startupMs = opts.startupMs ?? 15_000;
  const pollMs = opts.pollMs ?? 20;
  const control = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (PROGRESS + n));
  const ctl = new Int32Array(control);

  const entries = opts.threads.map((spec) => {
    const entry = spec.entry ?? opts.entry;
    if (!entry) throw new Error(`thread ${spec.name} has no worker entry: set WatchOptions.entry or the spec's entry`);
    return entry;
  });
  const results: R[] = new Array<R>(n);
  const done: boolean[] = new Array<boolean>(n).fill(false);
  let failure: Error | undefined;
  const workers: Worker[] = opts.threads.map((spec, index) => {
    const workerData: WatchedWorkerData<D> = { control, index, name: spec.name, data: spec.data };
    const w = createWorker(entries[index]!, { workerData });
    w.on('message', (msg: { result: R }) => {
      results[index] = msg.result;
      done[index] = true;
    });
    w.on('error', (err) => {
      failure ??= fromWorker(err, spec.name);
    });
    w.on('exit', (code) => {
      if (!done[index] && code !== 0) failure ??= new Error(`worker ${spec.name} exited with code ${code} before finishing`);
    });
    return w;
  });
  const terminateAll = () => Promise.all(workers.map((w) => w.terminate()));
  const progressOf = (i: number) => Atomics.load(ctl, PROGRESS + i);

  try {
    const startupEnd = performance.now() + startupMs;
    while (Atomics.load(ctl, READY) < n) {
      if (failure) throw failure;
      if (performance.now() > startupEnd) {
        throw new Error(`only ${Atomics.load(ctl, READY)} of ${n} workers reached the start barrier within ${seconds(startupMs)}`);
      }
      await sleep(pollMs);
    }

    Atomics.store(ctl, GO, 1);
    Atomics.notify(ctl, GO);
    const t0 = performance.now();
    const last = opts.threads.map(() => ({ value: 0, at: t0 }));
    for (;;) {
      await sleep(pollMs);
      if (failure) throw failure;
      const now = performance.now();
      if (done.every(Boolean)) {
        return { results, progress: opts.threads.map((_, i) => progressOf(i)), elapsedMs: now - t0 };
      }
      if (opts.runMs !== undefined && now - t0 >= opts.runMs) Atomics.store(ctl, STOP, 1);
      const stuck: number[] = [];
      for (let i = 0; i < n; i++) {
        if (done[i]) continue;
        const value = progressOf(i);
        if (value !== last[i]!.value) last[i] = { value, at: now };
        else if (now - last[i]!.at >= stallMs) stuck.push(i);
      }
      const overDeadline = now - t0 >= deadlineMs;
      if (stuck.length > 0 || overDeadline) {
        const blocked = (stuck.length > 0 ? stuck : opts.threads.map((_, i) => i).filter((i) => !done[i]));
        const state = opts.describe?.() ?? '';
        const counters = opts.threads.map((t, i) => `${t.name}=${progressOf(i)}${done[i] ? ' (done)' : ''}`).join(' ');
        const names = blocked.map((i) => opts.threads[i]!.name).join(', ');
        const why = overDeadline && stuck.length === 0
          ? `${names} did not finish within the ${seconds(deadlineMs)} deadline`
          : `${names} made no progress for ${seconds(Math.max(...blocked.map((i) => now - last[i]!.at)))}`;
        throw new DeadlockSuspectedError(
          `deadlock suspected: ${why} (after ${seconds(now - t0)} of running; progress ${counters})` +
            (state ? `; ${state}` : '') +
            '. All workers were terminated.',
        );
      }
    }
  } finally {
    await terminateAll();
  }
}

/** A worker's error as the test reports it: TodoError messages unchanged, others tagged with the thread. */
function fromWorker(err: unknown, thread: string): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === 'TodoError' || e.message.startsWith('TODO(phase-')) return e;
  const out = new Error(`${e.message} (thrown in worker ${thread})`);
  out.name = e.name;
  out.stack = e.stack;
  return out;
}

/** Who holds and who waits for which lock: lock words hold an owner id, waitingOn[owner] = lock + 1. */
export interface LockSnapshot {
  /** owners[lock]: owner id holding it, 0 when free. */
  owners: ArrayLike<number>;
  /** waitingOn[owner]: index + 1 of the lock that owner is blocked on, 0 when not waiting. */
  waitingOn: ArrayLike<number>;
}

export interface LockNames {
  thread(owner: number): string;
  lock(index: number): string;
}

/**
 * The wait-for graph in words, e.g. "w1 holds stripe 3, waits for stripe 7 (held by w2); w2 holds
 * stripe 7, waits for stripe 3 (held by w1); wait-for cycle: w1 -> w2 -> w1". Works for any lock
 * whose word records its owner.
 */
export function describeWaitFor(snap: LockSnapshot, names: LockNames): string {
  const owners = Array.from(snap.owners);
  const waits = Array.from(snap.waitingOn);
  const held = new Map<number, number[]>();
  owners.forEach((owner, lock) => owner !== 0 && held.set(owner, [...(held.get(owner) ?? []), lock]));
  const involved = new Set<number>([...held.keys(), ...waits.flatMap((w, owner) => (w !== 0 ? [owner] : []))]);
  if (involved.size === 0) return 'no lock was held or awaited';

  const parts: string[] = [];
  for (const owner of [...involved].sort((a, b) => a - b)) {
    const holds = held.get(owner) ?? [];
    const waitLock = (waits[owner] ?? 0) - 1;
    let text = `${names.thread(owner)} ${holds.length ? `holds ${holds.map(names.lock).join(', ')}` : 'holds nothing'}`;
    if (waitLock >= 0) {
      const holder = owners[waitLock] ?? 0;
      text += `, waits for ${names.lock(waitLock)} (${holder ? `held by ${names.thread(holder)}` : 'now free'})`;
    }
    parts.push(text);
  }
  const cycle = findCycle(owners, waits);
  if (cycle) parts.push(`wait-for cycle: ${cycle.map(names.thread).join(' -> ')}`);
  return parts.join('; ');
}

/** Follow "owner waits for a lock held by owner'" edges; the first cycle found, closed (a -> b -> a). */
function findCycle(owners: number[], waits: number[]): number[] | undefined {
  for (let start = 1; start < waits.length; start++) {
    const path: number[] = [];
    let cur = start;
    while (cur !== 0 && !path.includes(cur)) {
      path.push(cur);
      const lock = (waits[cur] ?? 0) - 1;
      cur = lock >= 0 ? (owners[lock] ?? 0) : 0;
    }
    if (cur !== 0) return [...path.slice(path.indexOf(cur)), cur];
  }
  return undefined;
}
