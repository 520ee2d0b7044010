import { definePerfProbe } from '../../src/harness/perf.ts';
import { runStripeBench } from './run-bench.ts';

/**
 * How often threads are blocked in lock() with the striped pool, as a fraction of how often they
 * are with one global lock (4 threads on clients of distinct stripes, same run). Read from the
 * waitingOn slots that lock() sets before it sleeps, sampled every millisecond. allow() calls/s of
 * both modes are in the details, not graded: on 2 busy cores their ratio is mostly noise (lesson).
 */
export default definePerfProbe(async (ctx) => {
  const details = await runStripeBench(ctx.log);
  const global = details.global_4t_blocked_threads_avg!;
  const striped = details.striped_4t_blocked_threads_avg!;
  if (global === 0) {
    throw new Error(
      'no thread was ever seen blocked with the global lock, where 4 threads queue for one lock: ' +
        'does Mutex.lock() call table.markWaiting(owner, index) before it sleeps?',
    );
  }
  return { value: Number((striped / global).toFixed(3)), details };
});
