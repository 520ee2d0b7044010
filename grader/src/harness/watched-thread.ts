import { parentPort, workerData } from 'node:worker_threads';

/**
 * The worker side of the watchdog (see watchdog.ts). A watched worker fixture does:
 *
 *   const t = watchedThread<MyData>();
 *   t.start();                          // start barrier: every thread begins together
 *   while (!t.shouldStop()) { step(); t.tick(); }
 *   t.finish(result);                   // structured-cloneable result for the test
 *
 * `tick()` is the progress signal: a thread that stops ticking is what the watchdog reports.
 */

/** Control block words (Int32): ready count, go flag, stop flag, then one progress counter per thread. */
export const READY = 0;
export const GO = 1;
export const STOP = 2;
export const PROGRESS = 3;

/** What the watchdog passes to every worker as workerData. */
export interface WatchedWorkerData<D> {
  control: SharedArrayBuffer;
  index: number;
  name: string;
  data: D;
}

export interface WatchedThread<D> {
  /** This thread's position (0-based) and name, e.g. `w1`. */
  index: number;
  name: string;
  data: D;
  /** Announce readiness and block until the watchdog starts all threads at once. */
  start(): void;
  /** Count `steps` units of progress. */
  tick(steps?: number): void;
  /** True once the watchdog asks bounded-time threads to wind down. */
  shouldStop(): boolean;
  /** Send the result and end. */
  finish(result: unknown): void;
}

export function watchedThread<D>(): WatchedThread<D> {
  const wd = workerData as WatchedWorkerData<D>;
  if (!parentPort || !wd?.control) throw new Error('watchedThread() must run in a worker started by runWatched()');
  const ctl = new Int32Array(wd.control);
  const port = parentPort;
  return {
    index: wd.index,
    name: wd.name,
    data: wd.data,
    start() {
      Atomics.add(ctl, READY, 1);
      Atomics.notify(ctl, READY);
      while (Atomics.load(ctl, GO) === 0) Atomics.wait(ctl, GO, 0);
    },
    tick(steps = 1) {
      Atomics.add(ctl, PROGRESS + wd.index, steps);
    },
    shouldStop() {
      return Atomics.load(ctl, STOP) !== 0;
    },
    finish(result) {
      port.postMessage({ result });
    },
  };
}
