// Level 2 · provided: read it, don't change it.
/**
 * What a condition variable is to a thread, for one async loop on the event loop: the loop awaits
 * `wait()`, producers call `notify()`. There is no lock (one thread runs JavaScript), but the rule
 * of condition variables stays: a wake-up only says "something may have changed" — the loop must
 * re-check its own condition after every wake (timeouts and extra notifies wake it too).
 */
export class Wakeup {
  private wake: (() => void) | undefined;
  /** A notify() that came while nobody waited: the next wait() returns at once, so it is not lost. */
  private missed = false;

  notify(): void {
    if (this.wake) this.wake();
    else this.missed = true;
  }

  /** Resolves on the next notify(), or after `timeoutMs` if given (a timed wake). */
  wait(timeoutMs?: number): Promise<void> {
    if (this.missed) {
      this.missed = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      if (timeoutMs !== undefined) timer = setTimeout(done, Math.max(0, timeoutMs));
      this.wake = done;
    });
  }
}
