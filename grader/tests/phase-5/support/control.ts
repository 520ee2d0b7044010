/**
 * Words the phase-5 ring workers share besides the ring (the watchdog has its own control block
 * with the start barrier and the progress counters).
 */
export const CTL = {
  /** 1 once the producer has pushed its last record. */
  producerDone: 0,
  /** Never written: a word to sleep on in `backoff`. */
  nap: 1,
  length: 2,
} as const;

/** Progress is reported to the watchdog once per this many records (a tick per record would cost more than the ring). */
export const PROGRESS_EVERY = 1024;

export const newControl = (): Int32Array => new Int32Array(new SharedArrayBuffer(CTL.length * 4));

/**
 * Called after a failed tryPush/tryPop. Spin a little (the other side is usually about to move),
 * then sleep 50 µs: on a shared 2-core machine a thread that only spins can burn its whole time
 * slice while the thread it waits for is not even scheduled (measured: 20x slower under load).
 */
export function backoff(ctl: Int32Array, failures: number): void {
  if (failures > 64) Atomics.wait(ctl, CTL.nap, 0, 0.05);
}
