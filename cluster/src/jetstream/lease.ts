import type { KV, NatsConnection } from 'nats';

export const LEASE_BUCKET = 'LEASES';
export const ALERTS_LEASE_KEY = 'alerts';

export interface LeaseOptions {
  /** Who holds it: unique per process (a restarted holder is a new holder). */
  holderId: string;
  key?: string;
  bucket?: string;
  /** The lease lapses this long after its holder's last renewal (the bucket's max_age). */
  ttlMs: number;
  /** Bucket replicas: 3 on a 3-node NATS cluster. */
  replicas?: 1 | 3;
  onChange?: (held: boolean) => void;
  log?: (line: string) => void;
}

/**
 * "At most one holder" over a JetStream key-value bucket, e.g. one alert evaluator in the cluster.
 * Taking it is `create` (succeeds only when the key is absent or deleted); the holder renews with
 * `update(revision)` every ttl/3 (fails once anyone else wrote the key); the bucket's max_age
 * removes the key ttl after the last renewal, so a dead holder's lease lapses and a waiting
 * contender, polling `create`, takes it. stop() deletes the key so the next one takes it at once.
 *
 * Safety does not rely on the holder noticing: held() turns false ttl·0.9 after the last renewal
 * was *sent*, which is before the server (which stamped the write later) can expire it. That
 * assumes the holder's and the server's clocks run at the same rate, not that they agree.
 */
export class Lease {
  private kv: KV | undefined;
  private ttlMs: number;
  private revision = 0;
  /** performance.now() until which the lease is ours; 0 when not held. */
  private validUntil = 0;
  private reportedHeld = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private readonly key: string;
  private readonly log: (line: string) => void;

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: LeaseOptions,
  ) {
    this.ttlMs = opts.ttlMs;
    this.key = opts.key ?? ALERTS_LEASE_KEY;
    this.log = opts.log ?? ((line) => console.warn(line));
  }

  /** True while this holder may act: renewed within the last ttl·0.9. */
  held(): boolean {
    return this.validUntil > performance.now();
  }

  /** Opens (creates) the bucket, tries to take the lease once, then keeps trying / renewing. */
  async start(): Promise<void> {
    if (this.kv) return;
    const kv = await this.nc.jetstream().views.kv(this.opts.bucket ?? LEASE_BUCKET, { ttl: this.opts.ttlMs, history: 1, replicas: this.opts.replicas ?? 1 });
    // An existing bucket keeps the max_age it was created with: time renewals by that one.
    const bucketTtl = (await kv.status()).ttl;
    if (bucketTtl > 0 && bucketTtl !== this.ttlMs) {
      this.log(`lease: bucket ${this.opts.bucket ?? LEASE_BUCKET} has ttl ${bucketTtl} ms (asked ${this.ttlMs} ms); using the bucket's`);
      this.ttlMs = bucketTtl;
    }
    this.kv = kv;
    await this.tick();
  }

  /** Stops renewing; with `release` (the default) deletes the key if it is still ours, so another takes it now. */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    const wasHeld = this.held();
    this.validUntil = 0;
    if (wasHeld && (opts.release ?? true) && this.kv) {
      try {
        await this.kv.delete(this.key, { previousSeq: this.revision });
      } catch (err) {
        this.log(`lease: could not release ${this.key} (${(err as Error).message}); it lapses within ${this.ttlMs} ms`);
      }
    }
    this.report();
  }

  private schedule(): void {
    if (this.stopped) return;
    // The holder renews every ttl/3; a contender polls more often, to take over soon after a lapse.
    // A holder whose renewals fail wakes when the lease lapses, to report it then.
    const every = this.held() ? Math.min(this.ttlMs / 3, this.validUntil - performance.now() + 1) : Math.min(Math.max(this.ttlMs / 10, 100), 1000);
    this.timer = setTimeout(() => void this.tick(), every);
  }

  private async tick(): Promise<void> {
    const run = this.held() ? this.renew() : this.acquire();
    this.ticking = run;
    await run;
    this.ticking = undefined;
    this.report();
    this.schedule();
  }

  private async acquire(): Promise<void> {
    const sentAt = performance.now();
    try {
      this.revision = await this.kv!.create(this.key, this.opts.holderId);
      this.validUntil = sentAt + this.ttlMs * 0.9;
    } catch {
      // Held by someone else (wrong last sequence), or NATS unreachable: try again next tick.
    }
  }

  private async renew(): Promise<void> {
    const sentAt = performance.now();
    try {
      this.revision = await this.kv!.update(this.key, this.opts.holderId, this.revision);
      this.validUntil = sentAt + this.ttlMs * 0.9;
    } catch (err) {
      const lost = (err as { api_error?: { err_code?: number } }).api_error?.err_code === 10071;
      if (lost) {
        // Someone else wrote the key, or it lapsed: it is not ours any more.
        this.validUntil = 0;
        this.log(`lease: lost ${this.key} (${(err as Error).message})`);
      }
      // Otherwise (timeout, reconnect) keep trying; held() lapses on its own if renewals keep failing.
    }
  }

  /** onChange on every transition, including a lapse noticed only now. */
  private report(): void {
    const held = this.held();
    if (held === this.reportedHeld) return;
    this.reportedHeld = held;
    this.opts.onChange?.(held);
  }
}
