// Level 7 · exercise of phase 7: yours to write on its branch; later branches hold the reference.
import type { Clock } from '../lib/clock.ts';

/**
 * A token bucket that lives in shared memory, so every worker holding the same SharedArrayBuffer
 * draws from one bucket. No mutex: the whole state is ONE 64-bit word, and a take is a
 * compare-exchange loop on it (docs/phase-7-production.md#exercise-72-lock-free-token-bucket).
 *
 * The word packs `tokens` (low TOKEN_BITS bits) and `stamp` (the rest): the bucket held `tokens`
 * at time `stamp` (ms since the bucket's epoch). Refill is computed on read, never by a timer.
 */

export interface TokenBucketOptions {
  /** Most tokens the bucket holds: the burst a client may spend at once. 1..MAX_CAPACITY. */
  capacity: number;
  /** Tokens added every `refillIntervalMs` (never beyond `capacity`). */
  refillTokens: number;
  refillIntervalMs: number;
}

export interface BucketState {
  tokens: number;
  /** Time (ms since the epoch slot) up to which refills have been credited. */
  stamp: number;
}

export type TakeResult = { ok: true; remaining: number } | { ok: false; remaining: number; retryAfterMs: number };

const TOKEN_BITS = 21n;
const TOKEN_MASK = (1n << TOKEN_BITS) - 1n;
/** The most tokens one packed word can hold. */
export const MAX_CAPACITY = Number(TOKEN_MASK);

/** Slots of the BigInt64Array view: the packed state word and the clock value at creation. */
const STATE = 0;
const EPOCH = 1;
export const BUCKET_BYTES = 2 * BigInt64Array.BYTES_PER_ELEMENT;

export const packState = (s: BucketState): bigint => (BigInt(s.stamp) << TOKEN_BITS) | BigInt(s.tokens);
export const unpackState = (word: bigint): BucketState => ({
  tokens: Number(word & TOKEN_MASK),
  stamp: Number(word >> TOKEN_BITS),
});

export function validateBucketOptions(o: TokenBucketOptions): void {
  const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
  if (!positiveInt(o.capacity) || o.capacity > MAX_CAPACITY)
    throw new RangeError(`options.capacity must be an integer in 1..${MAX_CAPACITY}, got ${o.capacity}`);
  if (!positiveInt(o.refillTokens)) throw new RangeError(`options.refillTokens must be a positive integer, got ${o.refillTokens}`);
  if (!positiveInt(o.refillIntervalMs))
    throw new RangeError(`options.refillIntervalMs must be a positive integer, got ${o.refillIntervalMs}`);
}

/**
 * The state at time `now`: whole refill periods elapsed since `stamp` are credited, capped at
 * capacity. Pure, so every thread that reads the same word at the same time computes the same state.
 */
export function refilled(state: BucketState, now: number, o: TokenBucketOptions): BucketState {
  const periods = Math.floor((now - state.stamp) / o.refillIntervalMs);
  if (periods <= 0) return state; // no full period yet, or the clock went backwards
  return {
    tokens: Math.min(o.capacity, state.tokens + periods * o.refillTokens),
    // Advance by whole periods only: the part of a period already elapsed still counts next time.
    stamp: state.stamp + periods * o.refillIntervalMs,
  };
}

export class TokenBucket {
  private readonly words: BigInt64Array;

  /** Attach to a bucket created by `TokenBucket.allocate` (in this thread or another). */
  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly options: TokenBucketOptions,
    private readonly clock: Clock,
  ) {
    validateBucketOptions(options);
    if (buffer.byteLength < BUCKET_BYTES) throw new RangeError(`bucket buffer must hold ${BUCKET_BYTES} bytes`);
    this.words = new BigInt64Array(buffer, 0, 2);
  }

  /** A new full bucket in fresh shared memory; pass `bucket.buffer` to workers. */
  static allocate(options: TokenBucketOptions, clock: Clock): TokenBucket {
    validateBucketOptions(options);
    const buffer = new SharedArrayBuffer(BUCKET_BYTES);
    const words = new BigInt64Array(buffer);
    Atomics.store(words, EPOCH, BigInt(Math.floor(clock.now())));
    Atomics.store(words, STATE, packState({ tokens: options.capacity, stamp: 0 }));
    return new TokenBucket(buffer, options, clock);
  }

  /** Milliseconds since the bucket's epoch, as an integer. */
  private elapsed(): number {
    return Math.floor(this.clock.now()) - Number(Atomics.load(this.words, EPOCH));
  }

  /** Tokens available now (a snapshot; another thread may take them a moment later). */
  available(): number {
    return refilled(unpackState(Atomics.load(this.words, STATE)), this.elapsed(), this.options).tokens;
  }

  /** Take `count` tokens if the bucket holds them; otherwise say how long until it will. */
  tryTake(count = 1): TakeResult {
    if (!Number.isInteger(count) || count < 1 || count > this.options.capacity)
      throw new RangeError(`count must be an integer in 1..${this.options.capacity}, got ${count}`);
    for (;;) {
      const seen = Atomics.load(this.words, STATE);
      const now = this.elapsed();
      const state = refilled(unpackState(seen), now, this.options);
      if (state.tokens < count) {
        // Nothing to write: the refill is recomputed from the same word by whoever reads it next.
        const periods = Math.ceil((count - state.tokens) / this.options.refillTokens);
        const retryAfterMs = Math.max(1, state.stamp + periods * this.options.refillIntervalMs - now);
        return { ok: false, remaining: state.tokens, retryAfterMs };
      }
      const next = packState({ tokens: state.tokens - count, stamp: state.stamp });
      // Publish only if nobody changed the word since we read it; else recompute from their value.
      if (Atomics.compareExchange(this.words, STATE, seen, next) === seen) {
        return { ok: true, remaining: state.tokens - count };
      }
    }
  }
}
