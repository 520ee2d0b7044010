// Level 7 · provided: read it, don't change it.
import type { Clock } from '../lib/clock.ts';
import { TokenBucket, type TokenBucketOptions } from './token-bucket.ts';

export type BucketDecision = { ok: true } | { ok: false; status: 429; retryAfterSec: number };

/**
 * Phase 7's admission: one token bucket per client, a request costs one token. Buckets live in
 * shared memory, so ingest workers could take from the same ones; the table is bounded — past
 * `maxClients` the least recently seen client's bucket is dropped (it comes back full).
 */
export class ClientBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly options: TokenBucketOptions,
    private readonly clock: Clock,
    private readonly maxClients = 10_000,
  ) {}

  check(client: string): BucketDecision {
    let bucket = this.buckets.get(client);
    if (bucket) this.buckets.delete(client); // re-insert below: Map order = least recently seen first
    else bucket = TokenBucket.allocate(this.options, this.clock);
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    const taken = bucket.tryTake(1);
    return taken.ok ? { ok: true } : { ok: false, status: 429, retryAfterSec: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)) };
  }
}
