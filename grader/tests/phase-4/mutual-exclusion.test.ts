import { describe, expect, it } from 'vitest';
import { DeadlockSuspectedError, runWatched } from '../../src/harness/watchdog.ts';
import { loadMutex } from './fixtures/target.ts';
import { lockReport } from './fixtures/lock-report.ts';
import type { MutexStressData } from './fixtures/mutex-stress.worker.ts';
import type { LockWaiterData, LockWaiterResult } from './fixtures/lock-waiter.worker.ts';

const WORKERS = 4;
const LOCKS = 1;
/** Bounded by time, not count: a racy lock shows up after enough overlap, however busy the machine. */
const RUN_MS = 2000;
const MAX_ITERATIONS = 50_000_000;
const stressEntry = new URL('./fixtures/mutex-stress.worker.ts', import.meta.url);
const waiterEntry = new URL('./fixtures/lock-waiter.worker.ts', import.meta.url);

describe('mutual exclusion: the shared-memory mutex', () => {
  it('tryLock takes a free lock once, refuses a held one, and unlock frees it', async () => {
    const { LockTable, FREE } = await loadMutex();
    const table = LockTable.create(2, 4);
    const m = table.mutex(1);
    expect(m.tryLock(1), 'tryLock(1) on a free lock should return true').toBe(true);
    expect(table.words[1], 'the lock word should hold its owner id (1) after tryLock(1)').toBe(1);
    expect(m.tryLock(2), 'tryLock(2) on a lock held by owner 1 should return false').toBe(false);
    expect(table.words[1], 'a refused tryLock must not change the lock word').toBe(1);
    expect(() => m.unlock(2), 'unlock(2) of a lock held by owner 1 should throw').toThrow();
    expect(table.words[1], 'a refused unlock must leave the lock held by its owner').toBe(1);
    expect(table.heldBy(1), 'heldBy(1) should list the locks owner 1 holds (the watchdog prints it)').toEqual([1]);
    expect(table.heldBy(2), 'heldBy(2) should be empty: owner 2 holds nothing').toEqual([]);
    m.unlock(1);
    expect(table.words[1], 'unlock should set the lock word back to FREE (0)').toBe(FREE);
    expect(table.words[0], 'locking lock 1 must not touch lock 0').toBe(FREE);
    expect(table.heldBy(1), 'heldBy(1) should be empty after unlock(1)').toEqual([]);
  });

  it('the lock table refuses bad sizes and lock indices, and works with a single owner', async () => {
    const { LockTable, FREE } = await loadMutex();
    for (const [locks, owners] of [[0, 2], [2.5, 2], [-1, 2], [2, 0], [2, 1.5], [2, -3]] as const) {
      expect(() => LockTable.create(locks, owners), `LockTable.create(${locks}, ${owners}) should throw: both sizes must be positive integers`).toThrow();
    }
    const table = LockTable.create(3, 1);
    for (const bad of [-1, 3, 1.5, NaN]) {
      expect(() => table.mutex(bad), `table.mutex(${bad}) should throw: lock indices of a 3-lock table are 0..2`).toThrow();
    }
    const m = table.mutex(2);
    expect(m.tryLock(1), 'with maxOwners 1, tryLock(1) should take a free lock').toBe(true);
    expect(table.heldBy(1), 'heldBy(1) should list lock 2').toEqual([2]);
    m.unlock(1);
    expect(m.owner(), 'unlock(1) should free the lock').toBe(FREE);
  });

  it('refuses owner ids outside 1..maxOwners, refuses to unlock a free lock, and a refused unlock names both owners', async () => {
    const { LockTable, FREE } = await loadMutex();
    const table = LockTable.create(2, 8);
    const m = table.mutex(0);
    // The lock is free, so none of these calls can reach Atomics.wait (not allowed on this thread).
    for (const bad of [0, 9, -1, 1.5]) {
      expect(() => m.tryLock(bad), `tryLock(${bad}) should throw: owner ids are 1..8 (0 means "free"); validate with table.checkOwner`).toThrow();
      expect(table.words[0], `a refused tryLock(${bad}) must leave the lock word FREE, got ${table.words[0]}`).toBe(FREE);
    }
    expect(() => m.lock(0), 'lock(0) should throw: owner 0 would "take" the lock and leave the word FREE').toThrow();
    expect(table.words[0], 'a refused lock(0) must leave the lock word FREE').toBe(FREE);
    expect(() => m.unlock(3), 'unlock(3) of a free lock should throw: only the owner may unlock').toThrow();
    expect(table.words[0], 'a refused unlock of a free lock must leave it FREE').toBe(FREE);
    expect(m.tryLock(7), 'tryLock(7) on a free lock should return true').toBe(true);
    let message = '';
    try {
      m.unlock(3);
    } catch (err) {
      message = String((err as Error)?.message);
    }
    expect(
      /\b3\b/.test(message) && /\b7\b/.test(message),
      `unlock(3) of a lock held by owner 7 should throw an error naming the caller (3) and the holder (7), got: "${message}"`,
    ).toBe(true);
    expect(table.words[0], 'the refused unlock(3) must leave the lock held by owner 7').toBe(7);
    m.unlock(7);
    expect(table.words[0], 'unlock(7) by its owner should free the lock').toBe(FREE);
  });

  it('lock(0) on a lock another owner holds throws at once instead of waiting', async () => {
    const { LockTable } = await loadMutex();
    const table = LockTable.create(2, 2);
    const m = table.mutex(1);
    expect(m.tryLock(2), 'tryLock(2) on a free lock should return true').toBe(true);
    let result: LockWaiterResult;
    try {
      const run = await runWatched<LockWaiterResult, LockWaiterData>({
        entry: waiterEntry,
        threads: [{ name: 'bad-owner', data: { locks: table.sab, owner: 0, index: 1, mode: 'bad-owner', released: new SharedArrayBuffer(8) } }],
        stallMs: 2000,
        deadlineMs: 8000,
      });
      result = run.results[0]!;
    } catch (err) {
      if (err instanceof DeadlockSuspectedError) {
        expect.fail(
          'lock(0) on a lock held by owner 2 waited for it instead of throwing: owner ids are 1..maxOwners whether or not the lock is free ' +
            '(0 would "take" the lock and leave the word FREE). Validate the owner before anything else (table.checkOwner).',
        );
      }
      throw err;
    } finally {
      m.unlock(2);
    }
    expect(result.relock, 'lock(0) on a held lock should throw: 0 is not an owner id').toMatch(/^threw /);
    expect(result.word, `after the refused lock(0) the lock should still be held by owner 2, got ${result.word}`).toBe(2);
  }, 40_000);

  it(`${WORKERS} workers doing locked non-atomic increments for ${RUN_MS} ms come out exact`, async () => {
    const { LockTable, FREE } = await loadMutex();
    const table = LockTable.create(LOCKS, WORKERS);
    const memory = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * LOCKS * 2);
    const names = Array.from({ length: WORKERS }, (_, i) => `w${i + 1}`);
    const run = await runWatched<{ overlaps: number; iterations: number }, MutexStressData>({
      entry: stressEntry,
      threads: names.map((name, i) => ({
        name,
        data: { locks: table.sab, memory, owner: i + 1, iterations: MAX_ITERATIONS, lockCount: LOCKS },
      })),
      runMs: RUN_MS,
      stallMs: 2000,
      deadlineMs: 12_000,
      describe: lockReport(table.sab, names, (i) => `lock ${i}`),
    });
    const counters = Array.from(new Int32Array(memory, 0, LOCKS));
    const total = counters.reduce((a, b) => a + b, 0);
    const expected = run.results.reduce((a, r) => a + r.iterations, 0);
    const overlaps = run.results.reduce((a, r) => a + r.overlaps, 0);
    expect(
      overlaps,
      `Two threads were inside the same critical section at the same time ${overlaps} times: lock() let a second owner in. ` +
        'Taking the lock must be one atomic step (Atomics.compareExchange), not a check followed by a set.',
    ).toBe(0);
    expect(
      total,
      `Expected ${expected} increments in total, got ${total}: ${expected - total} updates lost — ` +
        'two threads held the same lock at the same time.',
    ).toBe(expected);
    const held = Array.from(table.words).filter((w) => w !== FREE);
    expect(held, 'every lock should be free after all workers unlocked').toEqual([]);
  });
});
