// Level 2 · provided: read it, don't change it.
import { OverloadError } from '../lib/overload.ts';

/** write() refused a batch because the queue holds `maxQueue` metrics already: backpressure (503). */
export class QueueFullError extends OverloadError {
  override name = 'QueueFullError';
  constructor(
    readonly pending: number,
    readonly requested: number,
    readonly maxQueue: number,
    retryAfterSec = 1,
  ) {
    super(
      `write queue full: ${pending} of ${maxQueue} metrics pending, cannot take ${requested} more`,
      'queue_full',
      retryAfterSec,
    );
  }
}

/**
 * The writer gave up on the disk: a batch failed every attempt. Its metrics are still counted as
 * unwritten (`unwritten`) — they are reported, never silently dropped. Also a 503 for new writes.
 */
export class WriterFailedError extends OverloadError {
  override name = 'WriterFailedError';
  constructor(
    readonly unwritten: number,
    override readonly cause: Error,
  ) {
    super(`storage failed: ${unwritten} accepted metrics could not be written: ${cause.message}`, 'storage_failed', 5);
  }
}

/** write() after close() started. */
export class WriterClosedError extends Error {
  override name = 'WriterClosedError';
  constructor() {
    super('the writer is closed and takes no more metrics');
  }
}
