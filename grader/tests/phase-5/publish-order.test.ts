import { describe, it } from 'vitest';
import { SEED } from '../../src/harness/random.ts';
import { assertStream } from './support/assert-stream.ts';
import { runScenarioInWorker, streamThroughRing } from './support/run.ts';

// Check `publish-order`: the consumer must never read a slot before the producer wrote it.
// A tiny ring and a producer slowed by a little busy work keep the consumer spinning on an
// empty ring, so it reads each slot the moment its index moves. A ring that publishes the index
// first hands out the previous lap's record (or half of the new one); the content check sees it.
// Measured on the index-before-data mutant: caught in 6 of 6 runs of one 300,000-record stream.
describe('phase 5 · publish order: data before index', () => {
  // Deterministic: every write of HEAD and TAIL is intercepted at the moment it happens and the
  // slot (or the consumer's output) is inspected right then (support/index-watch.ts).
  it('at every tail store the published slots already hold their records; at every head store the record was already read', async () => {
    await runScenarioInWorker('publish-single');
  });
  it('pushBatch/popBatch: one index store per batch, after all of its slots are written or read', async () => {
    await runScenarioInWorker('publish-batch');
  });
  for (const [round, capacity] of [4, 8].entries()) {
    it(`300,000 records through ${capacity} slots, consumer right behind the producer`, async () => {
      const opts = { capacity, count: 300_000, seed: (SEED + round) >>> 0, producerPause: 20 };
      assertStream(await streamThroughRing(opts), opts, `capacity ${capacity}`);
    }, 25_000);
  }
});
