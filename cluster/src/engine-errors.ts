import { OverloadError } from '../../starter/src/lib/overload.ts';

/**
 * ClickHouse did not answer (down, or slower than the timeout): the HTTP layer answers any
 * OverloadError with a 503 and Retry-After, so a dead engine is a 503, never a hang nor a 500.
 */
export class StorageUnavailableError extends OverloadError {
  override name = 'StorageUnavailableError';
  constructor(cause: Error) {
    super(`storage unavailable: ClickHouse did not answer (${cause.message})`, 'storage_unavailable', 2);
  }
}
