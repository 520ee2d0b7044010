// Level 4 · test support: the graded tests or the lesson's experiments run it, the service does not.
import type { Clock } from '../lib/clock.ts';

/**
 * A clock held in shared memory and moved by hand: every thread that attaches to the same buffer
 * reads the same time, so a test can put all of them exactly on a rate-limit window boundary.
 * (lib/clock.ts's ManualClock is the same idea for one thread.)
 */
export class SharedClock implements Clock {
  private readonly cell: Float64Array;

  static create(startMs = 0): SharedClock {
    const clock = new SharedClock(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
    clock.set(startMs);
    return clock;
  }

  constructor(readonly sab: SharedArrayBuffer) {
    this.cell = new Float64Array(sab, 0, 1);
  }

  now(): number {
    return this.cell[0]!;
  }

  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`clock time must be a finite number, got ${ms}`);
    this.cell[0] = ms;
  }

  advance(ms: number): void {
    this.set(this.now() + ms);
  }
}
