// Level 1 · provided: read it, don't change it.
import { isTodoError } from '../lib/todo.ts';
import { PlainStats, type ServiceStats } from './service-stats.ts';
import { SharedCounters } from './shared-counters.ts';

/**
 * The service's counters from level 1 on, in shared memory (phase 1, exercise 2).
 * Until SharedCounters is implemented, the service counts with plain numbers and says so once at
 * start, so the rest of the learning branch stays usable with curl.
 */
export function createSharedStats(log: (line: string) => void): ServiceStats {
  const counters = new SharedCounters();
  try {
    counters.add('requests', 0);
    counters.get('requests');
    return counters;
  } catch (err) {
    if (!isTodoError(err)) throw err;
    log(`warning: ${(err as Error).message}; counting with plain numbers until then`);
    return new PlainStats();
  }
}
