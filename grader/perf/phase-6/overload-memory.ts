import { definePerfProbe } from '../../src/harness/perf.ts';
import { measureOverload } from './overload.ts';

/**
 * value = peak resident memory of the service under 300 connections / under 4, same service, same
 * run (Linux /proc). A bounded pool holds at most size + maxQueue bodies however many clients come.
 */
export default definePerfProbe(async (ctx) => {
  const m = await measureOverload(ctx);
  const growth = Number(m.details.rssGrowth);
  if (!Number.isFinite(growth)) throw new Error('cannot read the service\'s memory: /proc/<pid>/status is needed (Linux)');
  return { value: growth, details: m.details };
});
