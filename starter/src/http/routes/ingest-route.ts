// Level 0 · provided: read it, don't change it.
import type { IngestProcessor } from '../../ingest/processor.ts';
import type { MetricQueue } from '../../queue/metric-queue.ts';
import type { ServiceStats } from '../../stats/service-stats.ts';
import type { StorageConsumer } from '../../storage/storage-consumer.ts';
import type { Admission } from '../admission.ts';
import { readBody } from '../body.ts';
import { ok, type Reply } from '../reply.ts';
import type { Handler } from '../router.ts';

export interface IngestDeps {
  admission: Admission;
  processor: IngestProcessor;
  queue: MetricQueue;
  consumer: StorageConsumer;
  stats: ServiceStats;
  maxBodyBytes: number;
}

/**
 * POST /metrics: admit -> read body -> parse + validate (processor) -> queue -> stored -> 200.
 * The 200 is sent only after the writer took the batch: an accepted metric is never lost.
 */
export function ingestRoute(d: IngestDeps): Handler {
  return async ({ req, client }) => {
    const decision = d.admission.check(client);
    if (!decision.ok) {
      req.resume(); // discard the body so the connection stays usable
      return refused(decision.status, decision.retryAfterSec);
    }
    const body = await readBody(req, d.maxBodyBytes);
    const metrics = await d.processor.process(body, client);
    const stored = d.queue.push(metrics);
    void d.consumer.drain(); // level 0: the consumer runs now, in this request
    await stored;
    d.stats.add('accepted', metrics.length);
    return ok({ accepted: metrics.length });
  };
}

function refused(status: 429 | 503, retryAfterSec: number): Reply {
  const error = status === 429 ? 'rate_limited' : 'overloaded';
  return { status, body: { error, retryAfterSec }, headers: { 'retry-after': String(retryAfterSec) } };
}
