// Level 4 · exercise of phase 4: yours to write on its branch; later branches hold the reference.
import { todo } from '../lib/todo.ts';
import type { LockTable, Mutex } from './mutex.ts';

const LESSON = 'docs/phase-4-locking.md#exercise-42-hashing-clients-to-stripes';

/**
 * Lock striping: instead of one lock per client (unbounded) or one lock for all clients
 * (contended), a fixed pool of `count` mutexes; a client's lock is chosen by hashing its id.
 * Two clients may share a stripe — that costs some contention, never correctness.
 */

/** True when n is a prime number. */
export function isPrime(n: number): boolean {
  // TODO(phase-4): true for 2, 3, 5, 7, 11, ...; false for 0, 1, negatives, non-integers and composites.
  return todo(4, 'isPrime', LESSON);
}

/**
 * A 32-bit FNV-1a hash of the id's UTF-16 code units, as an unsigned integer.
 * Every thread must compute the same stripe for the same id, so the hash is a pure function of
 * the string (no per-process seed, unlike a Map's internal hash).
 */
export function hashClientId(clientId: string): number {
  // TODO(phase-4): FNV-1a over clientId.charCodeAt(i): start at 0x811c9dc5, for each unit
  // h ^= unit; h = Math.imul(h, 0x01000193). Return h >>> 0 (unsigned 32-bit).
  return todo(4, 'hashClientId', LESSON);
}

export class StripedLocks {
  /** The pool is locks first .. first+count-1 of `table`. `count` must be prime. */
  constructor(
    readonly table: LockTable,
    readonly first: number,
    readonly count: number,
  ) {
    // A prime modulus keeps ids whose hashes share a common factor with the pool size from
    // piling onto a few stripes.
    if (!isPrime(count)) throw new RangeError(`stripe count must be a prime number, got ${count}`);
    if (!Number.isInteger(first) || first < 0 || first + count > table.lockCount) {
      throw new RangeError(`stripes ${first}..${first + count - 1} do not fit in a table of ${table.lockCount} locks`);
    }
  }

  /** The stripe (0..count-1) that guards `clientId`. */
  stripeOf(clientId: string): number {
    // TODO(phase-4): the client's hash modulo the pool size. Same id -> same stripe, in every thread.
    return todo(4, 'StripedLocks.stripeOf', LESSON);
  }

  /** The mutex of stripe `stripe`. */
  mutexAt(stripe: number): Mutex {
    return this.table.mutex(this.first + stripe);
  }

  forClient(clientId: string): Mutex {
    return this.mutexAt(this.stripeOf(clientId));
  }
}
