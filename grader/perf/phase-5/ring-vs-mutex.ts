import { definePerfProbe } from '../../src/harness/perf.ts';
import { bestRate } from './support/bench.ts';

/**
 * `ring-vs-mutex`: records/s through the learner's ring divided by records/s through the same
 * bounded queue guarded by phase 4's mutex (src/sync/mutex.ts of the same tree), one record per
 * push and pop, between two workers, measured now.
 */
export default definePerfProbe(async (ctx) => {
  ctx.log('ring vs mutex queue, one record at a time, best of 2 each (first runs are cold)');
  const ring = await bestRate({ transport: 'ring', count: 500_000 }, 2);
  const mutex = await bestRate({ transport: 'mutex', count: 500_000 }, 2);
  return {
    value: ring.itemsPerSec / mutex.itemsPerSec,
    details: {
      ringPerRecordPerSec: Math.round(ring.itemsPerSec),
      mutexQueuePerRecordPerSec: Math.round(mutex.itemsPerSec),
    },
  };
});
