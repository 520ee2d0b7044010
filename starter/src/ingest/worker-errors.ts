// Level 1 · provided: read it, don't change it.
import { HttpError } from '../http/errors.ts';

/**
 * How a failed ingest worker is answered. The router turns these into the response;
 * the service keeps serving either way.
 */

/** The worker died (threw outside the task, exited) before answering: our fault, 500. */
export class WorkerFailedError extends HttpError {
  override readonly name = 'WorkerFailedError';
  constructor(reason: string) {
    super(500, { error: 'worker_failed', reason });
  }
}

/** No worker could be started, or it did not answer in time: try again later, 503 + Retry-After. */
export class WorkerUnavailableError extends HttpError {
  override readonly name = 'WorkerUnavailableError';
  constructor(reason: string, retryAfterSec = 1) {
    super(503, { error: 'worker_unavailable', reason, retryAfterSec }, { 'retry-after': String(retryAfterSec) });
  }
}
