// Level 0 · provided: read it, don't change it.
import type { Clock } from '../lib/clock.ts';
import type { IngestStep } from './ingest-step.ts';
import type { Metric } from './metric.ts';

/**
 * Seam: turns a request body into validated metrics (parse + validate), throwing ParseError /
 * ValidationError. Level 0 does it inline on the event loop; phase 1 in a Worker per request,
 * phase 6 in a worker pool.
 */
export interface IngestProcessor {
  process(body: Buffer, client: string): Promise<Metric[]>;
  /** Finish in-flight work and release threads. */
  close(): Promise<void>;
}

/** Parse and validate on the calling thread: simple, and a big batch blocks every other request. */
export class InlineProcessor implements IngestProcessor {
  constructor(
    private readonly step: IngestStep,
    private readonly clock: Clock,
  ) {}

  async process(body: Buffer, client: string): Promise<Metric[]> {
    return this.step({ body, client, now: this.clock.now() });
  }

  async close(): Promise<void> {}
}
