// Level 4 · exercise of phase 4: yours to write on its branch; later branches hold the reference.
import { todo } from '../lib/todo.ts';

/**
 * A mutex that lives in shared memory, so every worker thread that holds the same
 * SharedArrayBuffer sees the same lock — the Node equivalent of a futex-based std::mutex.
 *
 * Layout of a lock table (Int32 words):
 *   [0] lockCount   [1] maxOwners
 *   [2 .. 2+lockCount)                  lock words: 0 = free, otherwise the owner id (1..maxOwners)
 *   [2+lockCount .. 2+lockCount+maxOwners+1)  waitingOn[owner]: lock index + 1 while that owner
 *                                        is blocked in lock(), 0 otherwise
 * The owner id in the lock word and the waitingOn slots are what let a watchdog print who holds
 * what and who waits for whom when threads stop making progress.
 */

/** A lock word's value when nobody holds it. */
export const FREE = 0;
const HEADER = 2;

export class LockTable {
  readonly lockCount: number;
  readonly maxOwners: number;
  /** words[i]: FREE, or the id of the owner holding lock i. */
  readonly words: Int32Array;
  /** waitingOn[owner]: index + 1 of the lock that owner is blocked on, 0 when it is not waiting. */
  readonly waitingOn: Int32Array;

  /** A fresh table of `lockCount` free locks usable by owners 1..maxOwners. */
  static create(lockCount: number, maxOwners: number): LockTable {
    if (!Number.isInteger(lockCount) || lockCount < 1) throw new RangeError('lockCount must be a positive integer');
    if (!Number.isInteger(maxOwners) || maxOwners < 1) throw new RangeError('maxOwners must be a positive integer');
    const sab = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (HEADER + lockCount + maxOwners + 1));
    const header = new Int32Array(sab, 0, HEADER);
    header[0] = lockCount;
    header[1] = maxOwners;
    return new LockTable(sab);
  }

  /** Attach to a table created elsewhere (e.g. in another worker) from its buffer. */
  constructor(readonly sab: SharedArrayBuffer) {
    const header = new Int32Array(sab, 0, HEADER);
    this.lockCount = header[0]!;
    this.maxOwners = header[1]!;
    this.words = new Int32Array(sab, HEADER * 4, this.lockCount);
    this.waitingOn = new Int32Array(sab, (HEADER + this.lockCount) * 4, this.maxOwners + 1);
  }

  mutex(index: number): Mutex {
    if (!Number.isInteger(index) || index < 0 || index >= this.lockCount) {
      throw new RangeError(`lock index ${index} is outside 0..${this.lockCount - 1}`);
    }
    return new Mutex(this, index);
  }

  /** Throws unless `owner` is a valid owner id: ids start at 1 because 0 means "free". */
  checkOwner(owner: number): void {
    if (!Number.isInteger(owner) || owner < 1 || owner > this.maxOwners) {
      throw new RangeError(`owner id ${owner} is outside 1..${this.maxOwners} (0 means "free")`);
    }
  }

  /** Record that `owner` is about to block on lock `index` (read by the watchdog). */
  markWaiting(owner: number, index: number): void {
    Atomics.store(this.waitingOn, owner, index + 1);
  }

  clearWaiting(owner: number): void {
    Atomics.store(this.waitingOn, owner, 0);
  }

  /** Indices of the locks `owner` holds right now. */
  heldBy(owner: number): number[] {
    const held: number[] = [];
    for (let i = 0; i < this.lockCount; i++) if (Atomics.load(this.words, i) === owner) held.push(i);
    return held;
  }
}

const LESSON = 'docs/phase-4-locking.md#exercise-41-a-mutex-in-shared-memory';

export class Mutex {
  constructor(
    readonly table: LockTable,
    readonly index: number,
  ) {}

  /** Take the lock if it is free, without waiting. */
  tryLock(owner: number): boolean {
    // TODO(phase-4): one Atomics.compareExchange on this.table.words[this.index]: FREE -> owner.
    // Validate `owner` first (this.table.checkOwner). Return whether this call took the lock.
    return todo(4, 'Mutex.tryLock', LESSON);
  }

  /** Take the lock, sleeping in Atomics.wait while another owner holds it. Not reentrant. */
  lock(owner: number): void {
    // TODO(phase-4): loop on compareExchange(FREE -> owner); while another owner holds the word,
    // sleep with Atomics.wait(words, index, <the value you saw>) — it returns at once if the word
    // changed in between, so no wake-up is lost.
    // Call this.table.markWaiting(owner, this.index) before sleeping and clearWaiting(owner) once
    // you hold the lock: the watchdog prints the wait-for cycle from them.
    // If the word already holds `owner`, throw (waiting would deadlock on yourself).
    return todo(4, 'Mutex.lock', LESSON);
  }

  /** Release the lock; only its owner may. Wakes one waiter. */
  unlock(owner: number): void {
    // TODO(phase-4): compareExchange(owner -> FREE); if the word did not hold `owner`, throw an
    // error naming the owner and what the word held, and leave the word unchanged.
    // Then Atomics.notify one sleeper.
    return todo(4, 'Mutex.unlock', LESSON);
  }

  /** Run `fn` holding the lock; the lock is released even when `fn` throws. */
  withLock<T>(owner: number, fn: () => T): T {
    // TODO(phase-4): lock, run fn, and unlock whatever happens (try/finally).
    return todo(4, 'Mutex.withLock', LESSON);
  }

  /** The owner id holding the lock now, or FREE. */
  owner(): number {
    return Atomics.load(this.table.words, this.index);
  }
}
