// Level 4 · exercise of phase 4: yours to write on its branch; later branches hold the reference.
import type { LockTable, Mutex } from './mutex.ts';

/**
 * Lock striping: instead of one lock per client (unbounded) or one lock for all clients
 * (contended), a fixed pool of `count` mutexes; a client's lock is chosen by hashing its id.
 * Two clients may share a stripe — that costs some contention, never correctness.
 */

/** True when n is a prime number. */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/**
 * A 32-bit FNV-1a hash of the id's UTF-16 code units, as an unsigned integer.
 * Every thread must compute the same stripe for the same id, so the hash is a pure function of
 * the string (no per-process seed, unlike a Map's internal hash).
 */
export function hashClientId(clientId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < clientId.length; i++) {
    h ^= clientId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
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
    return hashClientId(clientId) % this.count;
  }

  /** The mutex of stripe `stripe`. */
  mutexAt(stripe: number): Mutex {
    return this.table.mutex(this.first + stripe);
  }

  forClient(clientId: string): Mutex {
    return this.mutexAt(this.stripeOf(clientId));
  }
}
