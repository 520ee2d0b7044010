import { describe, it } from 'vitest';
import { runScenarioInWorker } from './support/run.ts';

// Check `full-empty`: the edges a stress test rarely reaches, checked answer by answer
// (support/scenarios.ts, run inside a worker).
describe('phase 5 · full and empty', () => {
  it('tryPush refuses and counts when full, tryPop reports empty and leaves its output alone', async () => {
    await runScenarioInWorker('edges-single');
  });
  it('pushBatch takes only what fits and counts the rest, popBatch returns what is there', async () => {
    await runScenarioInWorker('edges-batch');
  });
});
