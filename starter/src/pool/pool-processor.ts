import { fromWire } from '../ingest/errors.ts';
import type { Metric } from '../ingest/metric.ts';
import type { ParserName } from '../ingest/parsers.ts';
import type { IngestProcessor } from '../ingest/processor.ts';
import type { Clock } from '../lib/clock.ts';
import { isTodoError } from '../lib/todo.ts';
import { unpackMetrics } from '../ingest/packed-metrics.ts';
import { parseAndValidate, type IngestTask, type PoolIngestOutcome } from './ingest-task.ts';
import { WorkerPool } from './worker-pool.ts';

export interface PoolProcessorOptions {
  parser: ParserName;
  clock: Clock;
  /** Worker threads; default: the number of CPUs. */
  size?: number;
  /** Requests that may wait for a worker; past it, ingest answers 503. Default: size * 16. */
  maxQueue?: number;
  /**
   * Bodies up to this many bytes are parsed on the calling thread: for a small body the round trip
   * to a worker (copy, postMessage, wake-up, answer) costs more than the parse. 0 = every body goes
   * to the pool (phase 6). The cut-over is measured, see docs/performance.md.
   */
  inlineMaxBytes?: number;
  /** Parse + validate straight from the bytes in one pass (ingest/byte-parser.ts): the finished service. */
  fused?: boolean;
  /** Workers send the metrics back packed (packed-metrics.ts): the finished service. */
  packed?: boolean;
}

/**
 * Phase 6's ingest path (level >= 6): parse + validate each request body on a pre-started worker
 * of a WorkerPool. A full pool rejects with PoolQueueFullError, an OverloadError, which the HTTP
 * layer answers with 503 + Retry-After + a JSON body; parse and validation errors come back as
 * data and are rethrown here as the same ParseError / ValidationError the other levels throw.
 */
export class PoolProcessor implements IngestProcessor {
  readonly pool: WorkerPool<IngestTask, PoolIngestOutcome>;

  constructor(private readonly opts: PoolProcessorOptions) {
    this.pool = new WorkerPool({ handler: new URL('./ingest-task.ts', import.meta.url), size: opts.size, maxQueue: opts.maxQueue });
  }

  async process(body: Buffer, client: string): Promise<Metric[]> {
    const task: IngestTask = { body, parser: this.opts.parser, fused: this.opts.fused ?? false, packed: this.opts.packed ?? false, client, now: this.opts.clock.now() };
    if (body.length <= (this.opts.inlineMaxBytes ?? 0)) return parseAndValidate(task);
    const outcome = await this.pool.submit(task);
    if (!outcome.ok) throw fromWire(outcome.error);
    return 'packed' in outcome ? unpackMetrics(outcome.packed) : outcome.metrics;
  }

  async close(): Promise<void> {
    try {
      await this.pool.close();
    } catch (err) {
      if (!isTodoError(err)) throw err; // a learning branch before exercise 6.1: nothing was started
    }
  }
}
