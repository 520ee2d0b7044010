import { definePerfProbe } from '../../src/harness/perf.ts';
import { details, measureSideBySide } from './slow-disk-load.ts';

/** value = p50 latency with the synchronous writer / p50 with the AsyncWriter (higher is better). */
export default definePerfProbe(async (ctx) => {
  const m = await measureSideBySide(ctx);
  return { value: Number((m.sync.p50 / m.async.p50).toFixed(2)), details: details(m) };
});
