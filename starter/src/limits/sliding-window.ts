// Level 4 · exercise of phase 4: yours to write on its branch; later branches hold the reference.
import { LockTable, type Mutex } from '../sync/mutex.ts';
import { StripedLocks } from '../sync/striped-locks.ts';
import { ClientTable, type WindowLog } from './client-table.ts';
import type { Clock } from '../lib/clock.ts';
import { todo } from '../lib/todo.ts';

const LESSON = 'docs/phase-4-locking.md#exercise-43-a-sliding-window-limiter';

/**
 * A sliding-window rate limiter: at most `limit` accepted requests per client in any `windowMs`
 * milliseconds. Its state lives in shared memory, so every worker thread that attaches to the same
 * `LimiterShared` enforces the same limits.
 */

export type Locking = 'global' | 'striped';

export interface LimiterOptions {
  /** Requests accepted per client per window. */
  limit: number;
  windowMs: number;
  /** One lock for every client (exercise 4.1), or a striped pool (exercise 4.3). */
  locking: Locking;
  /** Size of the striped pool; must be prime. Also the number of table regions. */
  stripes?: number;
  slotsPerStripe?: number;
  /** Highest owner id (thread) that will use the limiter. */
  maxOwners?: number;
}

/** Everything a worker needs to attach to the limiter (structured-cloneable). */
export interface LimiterShared {
  limit: number;
  windowMs: number;
  locking: Locking;
  stripes: number;
  slotsPerStripe: number;
  locks: SharedArrayBuffer;
  clients: SharedArrayBuffer;
}

/** Accepted, or rejected with the wait until the oldest counted request leaves the window. */
export type Decision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Lock 0 of the table is the global lock; locks 1..stripes are the stripes. */
export const GLOBAL_LOCK = 0;

export function createLimiterState(opts: LimiterOptions): LimiterShared {
  const stripes = opts.stripes ?? 31;
  const slotsPerStripe = opts.slotsPerStripe ?? 64;
  if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new RangeError(`limit must be a positive integer, got ${opts.limit}`);
  if (!(opts.windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${opts.windowMs}`);
  if (opts.locking !== 'global' && opts.locking !== 'striped') throw new RangeError(`locking must be "global" or "striped"`);
  const locks = LockTable.create(1 + stripes, opts.maxOwners ?? 32);
  const clients = ClientTable.create({ regions: stripes, slotsPerRegion: slotsPerStripe, logCapacity: opts.limit });
  return { limit: opts.limit, windowMs: opts.windowMs, locking: opts.locking, stripes, slotsPerStripe, locks: locks.sab, clients: clients.sab };
}

/**
 * The sliding-window rule for one client whose accepted times are in `log` (oldest first, at most
 * `limit` of them). A time t counts while now - t < windowMs. Records `now` when accepting.
 */
export function decide(log: WindowLog, now: number, limit: number, windowMs: number): Decision {
  // TODO(phase-4): a request at `now` is allowed when fewer than `limit` accepted times are still
  // in the window, i.e. the log is not full yet, or its oldest time has left the window
  // (now - oldest >= windowMs). Then log.push(now) and return { allowed: true }. Otherwise return
  // { allowed: false, retryAfterMs } — when the oldest time leaves the window. Rejected requests
  // are not recorded.
  return todo(4, 'decide', LESSON);
}

export class SlidingWindowLimiter {
  readonly locks: LockTable;
  readonly stripes: StripedLocks;
  readonly table: ClientTable;

  /** Attach to shared limiter state as thread `owner` (1..maxOwners), reading time from `clock`. */
  constructor(
    readonly shared: LimiterShared,
    readonly owner: number,
    readonly clock: Clock,
  ) {
    this.locks = new LockTable(shared.locks);
    this.locks.checkOwner(owner);
    this.stripes = new StripedLocks(this.locks, GLOBAL_LOCK + 1, shared.stripes);
    this.table = new ClientTable(shared.clients, {
      regions: shared.stripes,
      slotsPerRegion: shared.slotsPerStripe,
      logCapacity: shared.limit,
    });
  }

  /** The mutex guarding table region `stripe`: the global lock, or that stripe's own lock. */
  lockFor(stripe: number): Mutex {
    // TODO(phase-4): first use one lock for everything: this.locks.mutex(GLOBAL_LOCK).
    // Then, when this.shared.locking is 'striped', return that stripe's mutex instead.
    return todo(4, 'SlidingWindowLimiter.lockFor', LESSON);
  }

  /** Decide one request of `clientId` now, and count it for the next flush. */
  allow(clientId: string): Decision {
    // TODO(phase-4): find the client's stripe (this.stripes.stripeOf), hold lockFor(stripe) as
    // this.owner while you look the client up (this.table.slotFor(stripe, clientId)), read the clock,
    // decide() on its log and count the outcome (table.countAllowed / countRejected).
    // The lock must be released on every path, also when slotFor throws (table full).
    return todo(4, 'SlidingWindowLimiter.allow', LESSON);
  }
}
