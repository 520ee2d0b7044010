import { describe, it } from 'vitest';
import { SEED } from '../../src/harness/random.ts';
import { runScenarioInWorker, streamThroughRing } from './support/run.ts';
import { assertStream } from './support/assert-stream.ts';

// Check `wraparound`: indices are free-running Int32s; start them just below 2^31 so that the
// wrap to -2^31 happens during the test instead of after two billion records.
describe('phase 5 · index wraparound at 2^31', () => {
  it('size, full and empty stay right while the indices cross 2^31 and 0', async () => {
    await runScenarioInWorker('wrap-single');
  });
  it('batches across the wrap', async () => {
    await runScenarioInWorker('wrap-batch');
  });
  it('two workers, 300,000 records, indices starting at 2^31 - 100,000', async () => {
    const opts = { capacity: 1024, count: 300_000, seed: SEED, startIndex: 2 ** 31 - 100_000 };
    assertStream(await streamThroughRing(opts), opts, 'across the wrap');
  }, 25_000);
});
