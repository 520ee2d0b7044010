// Level 0 · provided: read it, don't change it.
import type { IngestProcessor } from '../../ingest/processor.ts';
import type { MetricQueue } from '../../queue/metric-queue.ts';
import type { ServiceStats } from '../../stats/service-stats.ts';
import type { StorageConsumer } from '../../storage/storage-consumer.ts';
import type { Admission } from '../admission.ts';
import { readBody } from '../body.ts';
import { BadParameterError } from '../errors.ts';
import { ok, type Reply } from '../reply.ts';
import type { Handler } from '../router.ts';

export interface IngestDeps {
  admission: Admission;
  processor: IngestProcessor;
  queue: MetricQueue;
  consumer: StorageConsumer;
  stats: ServiceStats;
  maxBodyBytes: number;
  /** The writer's `durable()`, if it has one: what `?ack=durable` waits for. */
  durable?: () => Promise<void>;
}

/**
 * POST /metrics: admit -> read body -> parse + validate (processor) -> queue -> stored -> 200.
 * The 200 is sent only after the writer took the batch (`?ack=accepted`, the default): it is in the
 * writer's bounded memory and on its way to disk, so only a crash of the process can lose it. With
 * `?ack=durable` the 200 waits until the batch is fsynced: not even `kill -9` loses it.
 */
export function ingestRoute(d: IngestDeps): Handler {
  return async ({ req, url, client }) => {
    const ack = url.searchParams.get('ack') ?? 'accepted';
    if (ack !== 'accepted' && ack !== 'durable') throw new BadParameterError('ack', 'must be accepted (the default) or durable');
    if (ack === 'durable' && !d.durable) throw new BadParameterError('ack', 'durable is not offered by this writer (the finished service with --hand-over message)');
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
    if (ack === 'durable') await d.durable!();
    d.stats.add('accepted', metrics.length);
    return ok(ack === 'durable' ? { accepted: metrics.length, durable: true } : { accepted: metrics.length });
  };
}

function refused(status: 429 | 503, retryAfterSec: number): Reply {
  const error = status === 429 ? 'rate_limited' : 'overloaded';
  return { status, body: { error, retryAfterSec }, headers: { 'retry-after': String(retryAfterSec) } };
}
