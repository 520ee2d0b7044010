// Level 4 · exercise of phase 4: yours to write on its branch; later branches hold the reference.
import type { SlidingWindowLimiter } from './sliding-window.ts';

/** What one client did since the previous flush. */
export interface ClientCounts {
  clientId: string;
  allowed: number;
  rejected: number;
}

/**
 * Read and reset every client's counters while request threads keep calling allow().
 * Clients with nothing to report may be left out.
 */
export function flushCounters(limiter: SlidingWindowLimiter): ClientCounts[] {
  // One stripe at a time: lock a stripe, drain its region, unlock, move on. This thread never holds
  // two locks, so it can never be one link of a wait-for cycle — whatever order other threads use.
  // (A flush that must see every client at one instant would instead take all stripes in one global
  // order, ascending index, and release them after.)
  const out: ClientCounts[] = [];
  for (let stripe = 0; stripe < limiter.shared.stripes; stripe++) {
    const mutex = limiter.lockFor(stripe);
    mutex.lock(limiter.owner);
    try {
      for (const slot of limiter.table.usedSlots(stripe)) {
        const { allowed, rejected } = limiter.table.takeCounts(slot);
        if (allowed !== 0 || rejected !== 0) out.push({ clientId: limiter.table.clientId(slot), allowed, rejected });
      }
    } finally {
      mutex.unlock(limiter.owner);
    }
  }
  return out;
}
