// Level 0 · provided: read it, don't change it.
/** The answer of load control for one request. */
export type AdmissionDecision = { ok: true } | { ok: false; status: 429 | 503; retryAfterSec: number };

/**
 * Seam: decides whether a client's request may proceed, before its body is read.
 * Level 0 admits everything; phase 4 adds a sliding-window limiter, phase 7 a token bucket.
 */
export interface Admission {
  check(client: string): AdmissionDecision;
}

export const admitAll: Admission = { check: () => ({ ok: true }) };
