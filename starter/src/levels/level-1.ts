// Level 1 · provided: read it, don't change it.
import { INGEST_WORKER_ENTRY, WorkerPerRequestProcessor } from '../ingest/worker-per-request.ts';
import { createSharedStats } from '../stats/shared-stats.ts';
import type { Level } from './seams.ts';

/** Level 1, threads: each body is parsed in a worker started for its request; counters live in shared memory. */
const level1: Level = (prev) => ({
  ...prev,
  stats: (w) => createSharedStats(w.log),
  workerEntry: INGEST_WORKER_ENTRY,
  processors: { ...prev.processors, worker: (w, seams) => new WorkerPerRequestProcessor({ clock: w.clock, ...(seams.workerEntry ? { entry: seams.workerEntry } : {}) }) },
  processor: 'worker',
});
export default level1;
