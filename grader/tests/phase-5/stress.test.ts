import { describe, it } from 'vitest';
import { SEED, rng } from '../../src/harness/random.ts';
import { assertStream } from './support/assert-stream.ts';
import { streamThroughRing } from './support/run.ts';

// Check `stress`: a producer worker and a consumer worker stream millions of seeded records
// through the learner's ring; the consumer checks every field of every record, in order.

const pick = rng(SEED);
const capacity = 2 ** (8 + Math.floor(pick() * 4)); // 256 .. 2048 slots

describe('phase 5 · stress: two workers, millions of records', () => {
  it(`tryPush/tryPop: 2,000,000 records through ${capacity} slots, nothing lost, duplicated or reordered`, async () => {
    const opts = { capacity, count: 2_000_000, seed: SEED };
    assertStream(await streamThroughRing(opts), opts, 'one record at a time');
  }, 25_000);

  it(`pushBatch/popBatch with seeded batch sizes: 2,000,000 records through ${capacity} slots`, async () => {
    const opts = { capacity, count: 2_000_000, seed: (SEED ^ 0x1234567) >>> 0, batch: true };
    assertStream(await streamThroughRing(opts), opts, 'batches of 1..64');
  }, 25_000);
});
