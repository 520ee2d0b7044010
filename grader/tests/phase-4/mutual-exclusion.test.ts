import { describe, expect, it } from 'vitest';
import { runWatched } from '../../src/harness/watchdog.ts';
import { loadMutex } from './fixtures/target.ts';
import { lockReport } from './fixtures/lock-report.ts';
import type { MutexStressData } from './fixtures/mutex-stress.worker.ts';

const WORKERS = 4;
const LOCKS = 1;
/** Bounded by time, not count: a racy lock shows up after enough overlap, however busy the machine. */
const RUN_MS = 2000;
const MAX_ITERATIONS = 50_000_000;
const stressEntry = new URL('./fixtures/mutex-stress.worker.ts', import.meta.url);

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
    m.unlock(1);
    expect(table.words[1], 'unlock should set the lock word back to FREE (0)').toBe(FREE);
    expect(table.words[0], 'locking lock 1 must not touch lock 0').toBe(FREE);
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
