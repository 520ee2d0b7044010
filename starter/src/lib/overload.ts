// Level 0 · provided: read it, don't change it.
/**
 * The service cannot take more work right now, but will soon: a bounded queue is full. The HTTP
 * layer answers any OverloadError with 503, a `Retry-After` header and a JSON body, so every
 * phase that adds a bounded queue (the async writer, the worker pool) reports backpressure the
 * same way by throwing a subclass.
 */
export class OverloadError extends Error {
  override name = 'OverloadError';
  constructor(
    message: string,
    /** Machine-readable reason, the `error` field of the 503 body, e.g. `queue_full`. */
    readonly code: string,
    /** Whole seconds a client should wait before trying again. */
    readonly retryAfterSec: number,
  ) {
    super(message);
  }
}

export function isOverloadError(err: unknown): err is OverloadError {
  return err instanceof OverloadError;
}
