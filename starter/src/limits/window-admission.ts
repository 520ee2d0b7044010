// Level 4 · provided: read it, don't change it.
import type { Admission, AdmissionDecision } from '../http/admission.ts';
import type { Clock } from '../lib/clock.ts';
import { hashClientId } from '../sync/striped-locks.ts';
import { ClientTableFullError, encodeClientId, InvalidClientIdError } from './client-table.ts';
import { createLimiterState, SlidingWindowLimiter } from './sliding-window.ts';
import type { WindowSettings } from './window-settings.ts';

/** The service's thread is owner 1 of the limiter's locks; ingest workers would take 2, 3, … */
const SERVICE_OWNER = 1;

/**
 * Phase 4's admission: the sliding-window limiter on POST /metrics (settings: window-settings.ts).
 * The limiter is built on the first request, so the service starts even while its code is a stub.
 */
export class WindowAdmission implements Admission {
  private limiter: SlidingWindowLimiter | undefined;

  constructor(
    private readonly settings: WindowSettings,
    private readonly clock: Clock,
  ) {}

  check(client: string): AdmissionDecision {
    this.limiter ??= new SlidingWindowLimiter(
      createLimiterState({
        limit: this.settings.limit,
        windowMs: this.settings.windowMs,
        locking: 'striped',
        stripes: 31,
        slotsPerStripe: 16,
        maxOwners: 8,
      }),
      SERVICE_OWNER,
      this.clock,
    );
    try {
      const d = this.limiter.allow(tableKey(client));
      return d.allowed ? { ok: true } : { ok: false, status: 429, retryAfterSec: Math.max(1, Math.ceil(d.retryAfterMs / 1000)) };
    } catch (err) {
      // More clients than the table holds: no way to count this one, so ask it to come back.
      if (err instanceof ClientTableFullError) return { ok: false, status: 503, retryAfterSec: 1 };
      throw err;
    }
  }
}

/** Ids too long for the table are keyed by a hash of the whole id. */
function tableKey(client: string): string {
  try {
    encodeClientId(client);
    return client;
  } catch (err) {
    if (!(err instanceof InvalidClientIdError)) throw err;
    return `long-id#${hashClientId(client).toString(16)}`;
  }
}
