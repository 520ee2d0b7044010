// Level 6 · provided: read it, don't change it.
import { fromWire } from '../ingest/errors.ts';
import type { IngestOutcome, IngestStep, IngestTask } from '../ingest/ingest-step.ts';
import type { Metric } from '../ingest/metric.ts';
import type { IngestProcessor } from '../ingest/processor.ts';
import type { Clock } from '../lib/clock.ts';
import { isTodoError } from '../lib/todo.ts';
import { WorkerPool } from './worker-pool.ts';

export interface PoolProcessorOptions<R> {
  clock: Clock;
  /** The pool's handler module: its default export turns an IngestTask into an answer R. */
  handler: URL;
  /** The metrics in a handler's answer, or the refusal it carries, thrown. */
  read: (answer: R) => Metric[];
  /** Worker threads; default: the number of CPUs. */
  size?: number;
  /** Requests that may wait for a worker; past it, ingest answers 503. Default: size * 16. */
  maxQueue?: number;
  /**
   * Bodies up to this many bytes are parsed on the calling thread with `inline`: for a small body the
   * round trip to a worker (copy, postMessage, wake-up, answer) costs more than the parse. 0 = every
   * body goes to the pool (phase 6). The cut-over is measured, see docs/performance.md.
   */
  inlineMaxBytes?: number;
  inline?: IngestStep;
}

/** Phase 6's handler (pool/ingest-task.ts) and how to read its answers. */
export const INGEST_TASK_HANDLER = new URL('./ingest-task.ts', import.meta.url);
export function readOutcome(outcome: IngestOutcome): Metric[] {
  if (!outcome.ok) throw fromWire(outcome.error);
  return outcome.metrics;
}

/**
 * Phase 6's ingest path (level >= 6): parse + validate each request body on a pre-started worker
 * of a WorkerPool. A full pool rejects with PoolQueueFullError, an OverloadError, which the HTTP
 * layer answers with 503 + Retry-After + a JSON body; parse and validation errors come back as
 * data and are rethrown here as the same ParseError / ValidationError the other levels throw.
 */
export class PoolProcessor<R> implements IngestProcessor {
  readonly pool: WorkerPool<IngestTask, R>;

  constructor(private readonly opts: PoolProcessorOptions<R>) {
    this.pool = new WorkerPool({ handler: opts.handler, size: opts.size, maxQueue: opts.maxQueue });
  }

  async process(body: Buffer, client: string): Promise<Metric[]> {
    const task: IngestTask = { body, client, now: this.opts.clock.now() };
    if (this.opts.inline && body.length <= (this.opts.inlineMaxBytes ?? 0)) return this.opts.inline(task);
    return this.opts.read(await this.pool.submit(task));
  }

  async close(): Promise<void> {
    try {
      await this.pool.close();
    } catch (err) {
      if (!isTodoError(err)) throw err; // a learning branch before exercise 6.1: nothing was started
    }
  }
}
