import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureUntilMet } from '../../src/harness/remeasure.ts';
import { startService, type RunningService } from '../../src/harness/service.ts';
import { ms, percentile, runHeavyLoad, type HeavyLoadResult } from './fixtures/heavy-load.ts';

// Check `health-responsive`: while heavy batches are parsed, GET /health still answers quickly.
// Measured side by side in this run: the same load against level 0 (parsing on the event loop)
// and level 1, /health sampled every 25 ms. Level 1's p90 must be under a quarter of level 0's: a
// service that still parses (or validates) a batch on the event loop is stalled a large share of
// the time and misses it; the reference is 10x-40x better (see the lesson).

const LOAD = { heavyClients: 3, metricsPerBatch: 600, durationMs: 2_500 } as const;
const MAX_SHARE = 0.25;

let level0: RunningService;
let level1: RunningService;
beforeAll(async () => {
  [level0, level1] = await Promise.all([startService({ level: 0 }), startService({ level: 1 })]);
}, 40_000);
afterAll(async () => {
  await Promise.all([level0?.stop(), level1?.stop()]);
});

function usable(level: number, r: HeavyLoadResult): void {
  if (r.failures.some((f) => f.includes('not_implemented'))) expect.fail(`not implemented yet: ${r.failures[0]}`);
  if (r.failures.length > 0) expect.fail(`Expected every heavy batch at level ${level} to be accepted, got: ${r.failures.join('; ')}`);
  if (r.healthMs.length === 0) expect.fail(`no /health request overlapped the heavy batches at level ${level}`);
}

describe('the event loop stays responsive under heavy batches', () => {
  it(`/health p90 at level 1 is under ${MAX_SHARE * 100}% of level 0's while heavy batches are in flight`, { timeout: 120_000 }, async () => {
    // Both sides are measured again on a miss (measureUntilMet): a busy machine slows a run, it
    // never makes the event loop of a wrong implementation free.
    const { met, results } = await measureUntilMet(
      async () => {
        const base = await runHeavyLoad({ url: level0.url, ...LOAD });
        usable(0, base);
        const mine = await runHeavyLoad({ url: level1.url, ...LOAD });
        usable(1, mine);
        return { p90base: percentile(base.healthMs, 90), p90mine: percentile(mine.healthMs, 90), samples: mine.healthMs.length };
      },
      (r) => r.p90mine <= MAX_SHARE * r.p90base,
    );
    if (!met) {
      const last = results.at(-1)!;
      const runs = results.map((r) => `${ms(r.p90mine)} vs ${ms(r.p90base)}`).join(', ');
      expect.fail(
        `Expected /health p90 at level 1 under ${MAX_SHARE * 100}% of level 0's in at least one of ${results.length} runs, ` +
          `got ${runs} (last run: ${last.samples} samples): something still runs the heavy CPU work on the event loop ` +
          `(parsing or validating before or after the worker).`,
      );
    }
  });
});
