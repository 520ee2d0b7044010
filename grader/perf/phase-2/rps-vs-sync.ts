import { definePerfProbe } from '../../src/harness/perf.ts';
import { details, measureSideBySide } from './slow-disk-load.ts';

/** value = requests/s with the AsyncWriter / requests/s with the synchronous writer. */
export default definePerfProbe(async (ctx) => {
  const m = await measureSideBySide(ctx);
  return { value: Number((m.async.rps / m.sync.rps).toFixed(2)), details: details(m) };
});
