import { definePerfProbe } from '../../src/harness/perf.ts';
import { bench, bestRate } from './support/bench.ts';

/**
 * `ring-vs-postmessage`: records/s through the learner's ring (tryPush/tryPop, one record at a
 * time) divided by records/s of postMessage per record, both measured now, between two workers.
 * The details also show the honest rest of the story: batched postMessage,
 * how far each producer ran ahead of its consumer (memory), and per-record latency at a steady
 * rate. Only the per-record throughput ratio is graded.
 */
const fmt = (n: number): number => Math.round(n);

export default definePerfProbe(async (ctx) => {
  ctx.log('ring, one record at a time (best of 2; the first run of fresh workers is cold)');
  const ring = await bestRate({ transport: 'ring', count: 500_000 }, 2);
  ctx.log('postMessage, one record per message (best of 2)');
  const post = await bestRate({ transport: 'post', count: 50_000 }, 2);
  ctx.log('postMessage of 1000 records per message, in a Float64Array');
  const postBatch = await bench({ transport: 'post', count: 1_000_000, batch: 1000 });
  ctx.log('latency at ~10,000 records/s: ring with a spinning consumer, ring with a napping consumer, postMessage');
  const lat = { count: 3_000, intervalUs: 100 };
  const ringSpin = await bench({ transport: 'ring', ...lat, spinsBeforeNap: Infinity });
  const ringNap = await bench({ transport: 'ring', ...lat });
  const postLat = await bench({ transport: 'post', ...lat });
  return {
    value: ring.itemsPerSec / post.itemsPerSec,
    details: {
      ringPerRecordPerSec: fmt(ring.itemsPerSec),
      postMessagePerRecordPerSec: fmt(post.itemsPerSec),
      postMessageBatch1000PerSec: fmt(postBatch.itemsPerSec),
      ringCapacity: 1024,
      ringMaxBacklogSampled: ring.maxBacklog,
      ringRefusedPushes: ring.refused,
      postMessageMaxBacklogSampled: post.maxBacklog,
      postMessageBatchMaxBacklogSampled: postBatch.maxBacklog,
      ringSpinLatencyP50Us: fmt(ringSpin.p50Us),
      ringSpinLatencyP99Us: fmt(ringSpin.p99Us),
      ringNapLatencyP50Us: fmt(ringNap.p50Us),
      ringNapLatencyP99Us: fmt(ringNap.p99Us),
      postMessageLatencyP50Us: fmt(postLat.p50Us),
      postMessageLatencyP99Us: fmt(postLat.p99Us),
    },
  };
});
