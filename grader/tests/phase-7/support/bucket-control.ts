/**
 * Shared-memory layout between the token-bucket test and its workers: one Int32 slot each, plus a
 * progress counter per worker that the test's watchdog reads.
 */
export const ROUND = 0; // the round the test has released (workers wait on it)
export const STOP = 1; // 1: leave
export const ARRIVED = 2; // start barrier: workers that reached the current round
export const DONE = 3; // workers that finished the current round
export const CLOCK = 4; // the shared, controllable clock (ms)
export const GRANTED = 5; // tokens granted, all workers, all rounds
export const READY = 6; // workers that loaded the learner's module
export const PROGRESS = 8; // PROGRESS + w: takes done by worker w (in 256s), for the watchdog

export const controlBytes = (workers: number): number => (PROGRESS + workers) * Int32Array.BYTES_PER_ELEMENT;

/** What a worker is started with (workerData). */
export interface BucketWorkerData {
  mode: 'contend' | 'script';
  bucket: SharedArrayBuffer;
  control: SharedArrayBuffer;
  options: { capacity: number; refillTokens: number; refillIntervalMs: number };
  index: number;
  workers: number;
}

/** One step of a single-thread script: set the clock, then take `count`. */
export interface ScriptStep {
  clock: number;
  count: number;
}
