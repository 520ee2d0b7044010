import { describe, expect, it } from 'vitest';
import { DeadlockSuspectedError, runWatched } from '../../src/harness/watchdog.ts';
import { loadMutex } from './fixtures/target.ts';
import { lockReport } from './fixtures/lock-report.ts';
import type { LockWaiterData, LockWaiterResult } from './fixtures/lock-waiter.worker.ts';
import type { RawWaiterData } from './fixtures/raw-waiter.worker.ts';

// A thread blocked in lock() must sleep in the kernel (Atomics.wait on the lock word), not spin.
// Proof without timing: while the test holds the lock, Atomics.notify(words, index, 1) returns how
// many threads it found asleep on that word. A sleeping waiter is found (and goes back to sleep
// after the spurious wake-up); a spinning one never is, however fast or slow the machine.
const entry = new URL('./fixtures/lock-waiter.worker.ts', import.meta.url);
const rawEntry = new URL('./fixtures/raw-waiter.worker.ts', import.meta.url);
const HOLDER = 1;
const WAITER = 2;
const INDEX = 1;
const WATCH_MS = 5000;
/** Worker start-up (TypeScript loader) on a busy machine is not part of the watched window. */
const STARTUP_MS = 20_000;
const WAKES_NEEDED = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('sleeping waiter: a blocked lock() sleeps in Atomics.wait', () => {
  it(`lock() behind another owner sleeps on the lock word, marks itself waiting, and gets the lock only after unlock`, async () => {
    const { LockTable } = await loadMutex();
    const table = LockTable.create(3, 3);
    const m = table.mutex(INDEX);
    expect(m.tryLock(HOLDER), 'tryLock on a fresh lock should take it').toBe(true);
    const released = new SharedArrayBuffer(8);
    const flags = new Int32Array(released);
    const run = runWatched<LockWaiterResult, LockWaiterData>({
      entry,
      threads: [{ name: 'waiter', data: { locks: table.sab, owner: WAITER, index: INDEX, mode: 'wait', released } }],
      stallMs: WATCH_MS + 5000,
      deadlineMs: WATCH_MS + 8000,
      describe: lockReport(table.sab, ['holder', 'waiter'], (i) => `lock ${i}`),
    });
    let failed: unknown;
    run.catch((err: unknown) => (failed = err));

    const s0 = performance.now();
    while (Atomics.load(flags, 1) === 0 && failed === undefined && performance.now() - s0 < STARTUP_MS) await sleep(5);
    let wakes = 0;
    let polls = 0;
    let marked = false;
    let lastMark = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    while (wakes < WAKES_NEEDED && performance.now() - t0 < WATCH_MS && failed === undefined) {
      await sleep(5);
      polls++;
      lastMark = Atomics.load(table.waitingOn, WAITER);
      if (lastMark === INDEX + 1) marked = true;
      // Wakes at most one thread asleep on this word; returns 0 when nobody sleeps on it.
      wakes += Atomics.notify(table.words, INDEX, 1);
    }
    const watchedMs = Math.round(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    Atomics.store(flags, 0, 1);
    m.unlock(HOLDER);
    // unlock() must have woken the sleeper: the word is FREE now, so nobody may still sleep on it.
    // (If one does, this notify rescues it, so the test reports instead of hanging.)
    const leftAsleep = Atomics.notify(table.words, INDEX, 1);
    const result = (await run).results[0]!;

    expect(
      wakes,
      `While owner ${HOLDER} held lock ${INDEX} for ${watchedMs} ms, the waiter's lock() was asleep on the lock word in only ${wakes} of ${polls} ` +
        `checks (Atomics.notify found no sleeper; expected at least ${WAKES_NEEDED}), and the process used ${cpuMs} ms of CPU meanwhile. ` +
        'A lock() that loops on Atomics.load/compareExchange burns a core for as long as the lock is held: after a short spin, ' +
        'sleep with Atomics.wait(words, index, seen), then try again.',
    ).toBeGreaterThanOrEqual(WAKES_NEEDED);
    expect(
      marked,
      `While the waiter was asleep in lock(), waitingOn[${WAITER}] was ${lastMark}, expected ${INDEX + 1} (lock index + 1): ` +
        'call table.markWaiting(owner, index) before Atomics.wait, so the watchdog and the contention probe can see who waits.',
    ).toBe(true);
    expect(
      leftAsleep,
      `right after unlock(${HOLDER}) the waiter was still asleep on the lock word: unlock() must wake one sleeper with Atomics.notify(words, index, 1) after freeing the word`,
    ).toBe(0);
    expect(result.releasedBefore, `lock() returned while owner ${HOLDER} still held the lock: a wake-up is not a grant, take the word with compareExchange`).toBe(true);
    expect(result.word, `after lock(${WAITER}) returned, the lock word should hold ${WAITER}, got ${result.word}`).toBe(WAITER);
    expect(
      result.waitingAfter,
      `after lock() returned, waitingOn[${WAITER}] should be 0 again, got ${result.waitingAfter}: call table.clearWaiting(owner) once you hold the lock`,
    ).toBe(0);
  }, 40_000);

  it('lock() by the owner that already holds the lock throws instead of waiting for itself', async () => {
    const { LockTable } = await loadMutex();
    const table = LockTable.create(2, 2);
    let result: LockWaiterResult;
    try {
      const run = await runWatched<LockWaiterResult, LockWaiterData>({
        entry,
        threads: [{ name: 'relocker', data: { locks: table.sab, owner: 1, index: 0, mode: 'relock', released: new SharedArrayBuffer(8) } }],
        stallMs: 2000,
        deadlineMs: 8000,
      });
      result = run.results[0]!;
    } catch (err) {
      if (err instanceof DeadlockSuspectedError) {
        expect.fail(
          'lock(1) on a lock that owner 1 already holds never returned: it waits for itself forever. ' +
            'If the lock word holds your own id, throw (the mutex is not reentrant).',
        );
      }
      throw err;
    }
    expect(result.relock, 'a second lock(1) by the owner that holds the lock should throw, got: it returned').toMatch(/^threw /);
    expect(result.word, `after the refused relock the lock should still be held by owner 1, got ${result.word}`).toBe(1);
  }, 40_000);

  it('unlock() wakes a thread asleep on the lock word', async () => {
    const { LockTable } = await loadMutex();
    const table = LockTable.create(3, 3);
    const m = table.mutex(INDEX);
    expect(m.tryLock(HOLDER), 'tryLock on a fresh lock should take it').toBe(true);
    const ready = new SharedArrayBuffer(4);
    const timeoutMs = 3000;
    const run = runWatched<string, RawWaiterData>({
      entry: rawEntry,
      threads: [{ name: 'sleeper', data: { words: table.words.buffer as SharedArrayBuffer, byteOffset: table.words.byteOffset, index: INDEX, held: HOLDER, ready, timeoutMs } }],
      stallMs: timeoutMs + 3000,
      deadlineMs: timeoutMs + 5000,
    });
    let failed: unknown;
    run.catch((err: unknown) => (failed = err));
    const t0 = performance.now();
    while (Atomics.load(new Int32Array(ready), 0) === 0 && failed === undefined && performance.now() - t0 < STARTUP_MS) await sleep(5);
    await sleep(200); // the sleeper set the flag just before Atomics.wait: give it time to be asleep
    m.unlock(HOLDER);
    const outcome = (await run).results[0]!;
    // "not-equal" means the sleeper reached Atomics.wait only after the unlock: nothing to conclude.
    expect(
      outcome,
      `a thread asleep in Atomics.wait on the lock word was not woken by unlock(${HOLDER}) and slept until its ${timeoutMs} ms timeout: ` +
        'after freeing the word, unlock() must call Atomics.notify(words, index, 1), or waiters sleep forever',
    ).not.toBe('timed-out');
  }, 40_000);
});
