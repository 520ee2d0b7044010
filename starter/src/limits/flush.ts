// Level 4 · exercise of phase 4: yours to write on its branch; later branches hold the reference.
import { todo } from '../lib/todo.ts';
import type { SlidingWindowLimiter } from './sliding-window.ts';

const LESSON = 'docs/phase-4-locking.md#exercise-44-the-deadlock-and-a-safe-flush';

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
  // TODO(phase-4): for each stripe, under limiter.lockFor(stripe) held as limiter.owner, take the
  // counts of every used slot of that region (limiter.table.usedSlots / takeCounts / clientId).
  // Exercise 4.4 first has you lock every stripe you meet and hold them all: watch it hang.
  // The version to keep must never wait for a lock while holding another in an order some other
  // thread could reverse: one stripe at a time, or all of them in ascending order.
  return todo(4, 'flushCounters', LESSON);
}
