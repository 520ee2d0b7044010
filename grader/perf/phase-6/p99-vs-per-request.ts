import { definePerfProbe } from '../../src/harness/perf.ts';
import { measureSideBySide, round, sideBySideDetails } from './support.ts';

/** value = p99 latency with a Worker per request (level 5) / p99 with the pool (level 6), same run. */
export default definePerfProbe(async (ctx) => {
  const m = await measureSideBySide(ctx);
  return { value: round(m.perRequest.p99 / m.pool.p99), details: sideBySideDetails(m) };
});
