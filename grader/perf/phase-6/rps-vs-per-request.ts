import { definePerfProbe } from '../../src/harness/perf.ts';
import { measureSideBySide, round, rpsFloor, sideBySideDetails } from './support.ts';

/** value = ingest requests/s with the pool (level 6) / with a Worker per request (level 5), same run. */
export default definePerfProbe(async (ctx) => {
  const m = await measureSideBySide(ctx);
  return { value: round(m.pool.rps / rpsFloor(m.perRequest)), details: sideBySideDetails(m) };
});
